/**
 * How instrumented code reaches its runtime (../rt/rt.ts): every module starts with
 * `const __rt = require("proteos:rt");` and the passes call `__rt.<hook>(…)`. The
 * require comes before the module's own imports, so `__rt` is set before any other
 * module (even one importing this one back) can call into this one.
 */
import ts from "typescript";
import type * as Runtime from "../rt/rt.js";

/** The module name instrumented code requires; images resolve it to the runtime. */
export const RUNTIME_MODULE = "proteos:rt";
/** The binding of the runtime module in every instrumented module. */
export const RT = "__rt";
/** The binding of the tag key (`__rt.TYPE`) in modules that tag object literals. */
export const RT_TYPE = "__rtType";
/** Names instrumented code declares in every module: the source may not use them. */
export const RESERVED_NAMES: readonly string[] = [RT, RT_TYPE];

const f = ts.factory;

/** `__rt.<hook>(…args)` */
export function rtCall(hook: keyof typeof Runtime, args: readonly ts.Expression[]): ts.CallExpression {
  return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(RT), hook), undefined, args);
}

/** `const <name> = <value>;` */
export function constStatement(name: string, value: ts.Expression): ts.VariableStatement {
  return f.createVariableStatement(undefined,
    f.createVariableDeclarationList([f.createVariableDeclaration(name, undefined, undefined, value)], ts.NodeFlags.Const));
}

/** The last pass: binds `__rt` at the top of the module. */
export const runtimeBinding: ts.TransformerFactory<ts.SourceFile> = () => (sf) => {
  const load = f.createCallExpression(f.createIdentifier("require"), undefined, [f.createStringLiteral(RUNTIME_MODULE)]);
  return f.updateSourceFile(sf, [constStatement(RT, load), ...sf.statements]);
};
