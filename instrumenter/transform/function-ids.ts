/**
 * Pass: function identities. A function value in state is transferred as the name of
 * its identity (../analyze/functions.ts) and relocated to the new version's function
 * of that name; the runtime needs both directions. At the end of the module this
 * registers every identity a path reaches, saying which are classes (the runtime then
 * knows a class's instances by their prototype's constructor: `new` needs no tag):
 *
 *   __rt.registerFunctions("servers/mfs/buf.ts", () => ({
 *     "BufCache": BufCache, "BufCache.get": BufCache.prototype.get, "BufCache.static.make": BufCache.make,
 *   }), ["BufCache"], { "BUILTINS.cd": BUILTINS?.cd });
 *
 * Identities of declarations (functions, classes, their members, the default export)
 * are read when the runtime first asks: a process loads hundreds of modules, and every
 * property read of cold code costs. Those reached through a variable are read at the
 * end of the module, since the module may assign the variable something else later.
 *
 * A function of an initializer that no path reaches (an argument of a call) is
 * registered where it is created: `new Map([[1, __rt.registerFunction(m, "table(0)[0][1]", () => …)]])`.
 * Not registered: accessors, field functions of instances (one per instance),
 * `#private` and computed-name methods, and a function no path reaches whose place
 * names it (`f({ h: () => … })`: wrapping it would change its `name`).
 */
import ts from "../../os/boot/typescript.js";
import { type FunctionReach, type ModulePlan, nodesAt, type SiteKey, siteKey } from "./plan.js";
import { rtCall } from "./runtime-binding.js";

const f = ts.factory;

type PathReach = Extract<FunctionReach, { kind: "path" }>;

export function functionIds(plan: ModulePlan): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (sf) => {
    const byPath = plan.functions.flatMap((fn) => (fn.reach.kind === "path" ? [{ fn, reach: fn.reach }] : []));
    const created = new Map(plan.functions.flatMap((fn) => (fn.reach.kind === "created" ? [[fn.reach.at, fn]] : [])));
    const declared = nodesAt(sf, new Set(byPath.flatMap(({ reach }) =>
      reach.root !== "default" && reach.root.declaredAt ? [reach.root.declaredAt] : [])));

    const table = (entries: typeof byPath) => f.createObjectLiteralExpression(entries.map(({ fn, reach }) =>
      f.createPropertyAssignment(f.createStringLiteral(fn.name), pathExpression(reach, declared))), true);
    const throughVariable = byPath.filter(({ reach }) => reach.root !== "default" && reach.root.declaredAt !== null);
    const ofDeclarations = byPath.filter((entry) => !throughVariable.includes(entry));
    const register = f.createExpressionStatement(rtCall("registerFunctions", [
      f.createStringLiteral(plan.path),
      f.createArrowFunction(undefined, undefined, [], undefined, undefined, f.createParenthesizedExpression(table(ofDeclarations))),
      f.createArrayLiteralExpression(byPath.filter(({ fn }) => fn.isClass).map(({ fn }) => f.createStringLiteral(fn.name))),
      ...(throughVariable.length > 0 ? [table(throughVariable)] : []),
    ]));

    const visit = (node: ts.Node): ts.Node => {
      const visited = ts.visitEachChild(node, visit, context);
      const fn = created.get(siteKey(node));
      if (!fn) return visited;
      const args = [f.createStringLiteral(plan.path), f.createStringLiteral(fn.name), visited as ts.Expression];
      return rtCall("registerFunction", fn.isClass ? [...args, f.createTrue()] : args);
    };
    const body = created.size > 0 ? ts.visitEachChild(sf, visit, context) : sf;
    return f.updateSourceFile(body, [...body.statements, register]);
  };
}

/**
 * `root.step…`: through a declaration's binding the path always holds; through a
 * variable, whose value the module may have changed since, each step is optional.
 */
function pathExpression(reach: PathReach, declared: ReadonlyMap<SiteKey, ts.Node>): ts.Expression {
  const { root, steps } = reach;
  const optional = root === "default" || root.declaredAt !== null;
  let e: ts.Expression = root === "default"
    ? f.createPropertyAccessExpression(f.createIdentifier("exports"), "default")
    : ts.setOriginalNode(f.createIdentifier(root.name), root.declaredAt ? declared.get(root.declaredAt) : undefined);
  for (const step of steps) {
    const key = typeof step === "number" ? f.createNumericLiteral(step) : f.createStringLiteral(step);
    const named = typeof step === "string" && /^[A-Za-z_$][\w$]*$/.test(step);
    if (optional) {
      const dot = f.createToken(ts.SyntaxKind.QuestionDotToken);
      e = named ? f.createPropertyAccessChain(e, dot, step) : f.createElementAccessChain(e, dot, key);
    } else {
      e = named ? f.createPropertyAccessExpression(e, step) : f.createElementAccessExpression(e, key);
    }
  }
  return e;
}
