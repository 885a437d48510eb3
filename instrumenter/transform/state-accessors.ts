/**
 * Pass: state accessors. A module's variables live in its closure, out of the
 * runtime's reach. At the end of the module this registers a getter for each and a
 * setter for each that can be assigned:
 *
 *   __rt.registerState("servers/pm/state.ts", () => ({
 *     get: { mproc: () => mproc, next: () => next, default: () => exports.default },
 *     set: { next: (value) => { next = value; } } }));
 *
 * (built when the runtime first asks for them: a module registers with one closure).
 * The variables are the analysis's (../analyze/variables.ts): let, const and var,
 * exported or not, each name of a destructuring, `export default`. Class statics are
 * reached through their class (registered by function-ids.ts). A reference to an
 * exported variable keeps its declaration as original node, so that TypeScript's
 * CommonJS emit rewrites it to `exports.x` (and updates the export on assignment)
 * exactly as it does the module's own references.
 */
import ts from "../../os/boot/typescript.js";
import { type ModulePlan, nodesAt, type SiteKey } from "./plan.js";
import { rtCall } from "./runtime-binding.js";

const f = ts.factory;

export function stateAccessors(plan: ModulePlan): ts.TransformerFactory<ts.SourceFile> {
  return () => (sf) => {
    const declared = nodesAt(sf, new Set(plan.variables.flatMap((v) => (v.declaredAt ? [v.declaredAt] : []))));
    const reference = (name: string, declaredAt: SiteKey | null): ts.Expression => {
      if (!declaredAt) return f.createPropertyAccessExpression(f.createIdentifier("exports"), "default");
      return ts.setOriginalNode(f.createIdentifier(name), declared.get(declaredAt));
    };
    const getters = plan.variables.map((v) => f.createPropertyAssignment(v.name,
      f.createArrowFunction(undefined, undefined, [], undefined, undefined, reference(v.name, v.declaredAt))));
    const setters = plan.variables.filter((v) => v.settable).map((v) => {
      const value = f.createUniqueName("value");
      const assign = f.createExpressionStatement(f.createAssignment(reference(v.name, v.declaredAt), value));
      return f.createPropertyAssignment(v.name, f.createArrowFunction(undefined, undefined,
        [f.createParameterDeclaration(undefined, undefined, value)], undefined, undefined, f.createBlock([assign])));
    });
    const accessors = f.createObjectLiteralExpression([
      f.createPropertyAssignment("get", f.createObjectLiteralExpression(getters, true)),
      f.createPropertyAssignment("set", f.createObjectLiteralExpression(setters, true)),
    ], true);
    const build = f.createArrowFunction(undefined, undefined, [], undefined, undefined, f.createParenthesizedExpression(accessors));
    const register = f.createExpressionStatement(rtCall("registerState", [f.createStringLiteral(plan.path), build]));
    return f.updateSourceFile(sf, [...sf.statements, register]);
  };
}
