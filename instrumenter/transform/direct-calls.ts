/**
 * After pass: a call the analysis found covered (`await f(…)` in a covering function,
 * ../analyze/activations.ts) calls f's uncounted twin, `__rt_f` (./quiescence.ts emits it).
 *
 *   await getBlock(zone)   ->  await (0, buf_js_1.__rt_getBlock)(zone)   imported by name
 *   await lookup(dir)      ->  await __rt_lookup(dir)                    of this module
 *
 * It runs after the CommonJS transform, as a substitution: TypeScript rewrites a call of
 * an imported function only while it prints the module (`(0, buf_js_1.getBlock)(…)`),
 * and this pass renames the property of what that rewrite produced.
 */
import ts from "../../os/boot/typescript.js";
import { type ModulePlan, siteKey } from "./plan.js";

const f = ts.factory;

export function directCalls(plan: ModulePlan): ts.TransformerFactory<ts.SourceFile> {
  return (context) => {
    const previous = context.onSubstituteNode;
    context.enableSubstitution(ts.SyntaxKind.CallExpression);
    context.onSubstituteNode = (hint, node) => {
      const substituted = previous(hint, node);
      const twin = ts.isCallExpression(node) && ts.getParseTreeNode(node) !== undefined
        ? plan.directCalls.get(siteKey(node)) : undefined;
      if (twin === undefined || !ts.isCallExpression(substituted)) return substituted;
      const callee = substituted.expression;
      const renamed = ts.isPropertyAccessExpression(callee)
        ? f.updatePropertyAccessExpression(callee, callee.expression, f.createIdentifier(twin))
        : ts.isIdentifier(callee) ? f.createIdentifier(twin) : undefined;
      if (!renamed) throw new Error(`${plan.path}: the call at ${siteKey(node)} cannot be made to call ${twin}`);
      return f.updateCallExpression(substituted, renamed, substituted.typeArguments, substituted.arguments);
    };
    return (sf) => sf;
  };
}
