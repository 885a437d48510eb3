/**
 * How instrumented code reaches its runtime (../rt/rt.ts): every module starts with
 * `const __rt = require("proteos:rt");` and the passes call `__rt.<hook>(…)`. The
 * require comes before the module's own imports, so `__rt` is set before any other
 * module (even one importing this one back) can call into this one.
 */
import ts from "../../os/boot/typescript.js";
import type * as Runtime from "../rt/rt.js";

/** The module name instrumented code requires; images resolve it to the runtime. */
export const RUNTIME_MODULE = "proteos:rt";
/** The prefix of every name instrumented code declares; the source may not use it. */
export const RESERVED_PREFIX = "__rt";
/** The binding of the runtime module in every instrumented module. */
export const RT = RESERVED_PREFIX;

const f = ts.factory;

/** `__rt.<hook>(…args)` */
export function rtCall(hook: keyof typeof Runtime, args: readonly ts.Expression[]): ts.CallExpression {
  return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(RT), hook), undefined, args);
}

/** The last pass: binds `__rt` at the top of the module. */
export const runtimeBinding: ts.TransformerFactory<ts.SourceFile> = () => (sf) => {
  const load = f.createCallExpression(f.createIdentifier("require"), undefined, [f.createStringLiteral(RUNTIME_MODULE)]);
  const binding = f.createVariableStatement(undefined,
    f.createVariableDeclarationList([f.createVariableDeclaration(RT, undefined, undefined, load)], ts.NodeFlags.Const));
  return f.updateSourceFile(sf, [binding, ...sf.statements]);
};
