/**
 * Pass: quiescence hooks, so that the runtime can tell when a process is
 * request-free: parked at an update point with no request half handled.
 *
 *   update point    the awaited `receive` at the head of an event loop
 *                   (../analyze/update-points.ts) goes through the runtime, which
 *                   counts the process parked until that promise settles. A function
 *                   at the end of the module makes the call, so that the loop itself
 *                   grows by nothing (V8 optimizes a function sooner the more bytecode
 *                   its loop runs): `const m = await __rt$updatePoint0(from);` and
 *                   `function __rt$updatePoint0(a0) { return __rt.updatePoint(receive(a0)); }`;
 *                   where the callee is not the module's own binding, or an argument is
 *                   spread, in place: `await __rt.updatePoint(receive(...xs))`
 *   promises        `new Promise(executor)` of the program (../analyze/promises.ts)
 *                   becomes `__rt.promise(executor)`: the same promise, counted pending
 *                   until the program settles it
 *
 * Nothing else is needed to know that no request is half handled: what else a process
 * waits on, the kernel knows (runtime/update/in-flight.ts). Neither hook adds a turn of
 * the microtask queue that the program waits for: the update point's settle reaction
 * is registered before the loop's own await, so it runs just before the loop resumes,
 * and a counted promise settles when its resolving function is called, as it would
 * have. The order in which processes run, and so the system's event trace, is the plain
 * build's.
 */
import ts from "../../os/boot/typescript.js";
import { type ModulePlan, siteKey } from "./plan.js";
import { rtCall } from "./runtime-binding.js";

const f = ts.factory;

export function quiescence(plan: ModulePlan): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (sf) => {
    const callers: ts.FunctionDeclaration[] = [];
    const visit = (node: ts.Node): ts.VisitResult<ts.Node> => {
      const visited = ts.visitEachChild(node, visit, context);
      const key = siteKey(node);
      if (plan.promises.has(key)) return rtCall("promise", [(visited as ts.NewExpression).arguments![0]!]);
      const caller = plan.updatePoints.get(key);
      if (caller === null) return rtCall("updatePoint", [visited as ts.Expression]);
      if (caller === undefined) return visited;
      const call = visited as ts.CallExpression;
      callers.push(updatePointCaller(caller, call));
      return f.updateCallExpression(call, f.createIdentifier(caller), undefined, call.arguments);
    };
    const visited = ts.visitEachChild(sf, visit, context);
    return callers.length === 0 ? visited : f.updateSourceFile(visited, [...visited.statements, ...callers]);
  };
}

/** `function name(a0, …) { return __rt.updatePoint(callee(a0, …)); }`: the callee moves here, the arguments stay. */
function updatePointCaller(name: string, call: ts.CallExpression): ts.FunctionDeclaration {
  const params = call.arguments.map((_, i) => f.createIdentifier(`a${i}`));
  const received = f.createCallExpression(call.expression, call.typeArguments, params);
  return f.createFunctionDeclaration(undefined, undefined, name, undefined,
    params.map((p) => f.createParameterDeclaration(undefined, undefined, p)), undefined,
    f.createBlock([f.createReturnStatement(rtCall("updatePoint", [received]))], false));
}
