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
 *   activations     every async function that awaits, but generators and those holding
 *                   an update point, counts its activation while its body runs:
 *                   `async function handle(m) { __rt.counts.activations++; try { … } finally { __rt.counts.activations--; } }`
 *                   (a property update, not a call)
 *   twins           such a function declaration has an uncounted twin beside it, which
 *                   `await f(…)` in a covering function calls instead (the after pass
 *                   ./direct-calls.ts renames the callee; ../analyze/activations.ts says
 *                   why nothing is lost): `async function __rt_f(m) { … }`, and
 *                   `exports.__rt_f = __rt_f;` first in the module if f is exported
 *
 * Neither adds a turn of the microtask queue that the program waits for: the count is
 * kept synchronously around the body (whose completion settles the function's
 * promise), and the update point's settle reaction is registered before the loop's
 * own await, so it runs just before the loop resumes and delays nothing. The order in
 * which processes run, and so the system's event trace, is the plain build's.
 */
import ts from "../../os/boot/typescript.js";
import { type ModulePlan, siteKey } from "./plan.js";
import { rtCall, rtCounter } from "./runtime-binding.js";

const f = ts.factory;

type AsyncFunction = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

export function quiescence(plan: ModulePlan): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (sf) => {
    const callers: ts.FunctionDeclaration[] = [];
    const visit = (node: ts.Node): ts.VisitResult<ts.Node> => {
      const visited = ts.visitEachChild(node, visit, context);
      const key = siteKey(node);
      const caller = plan.updatePoints.get(key);
      if (caller === null) return rtCall("updatePoint", [visited as ts.Expression]);
      if (caller !== undefined) {
        const call = visited as ts.CallExpression;
        callers.push(updatePointCaller(caller, call));
        return f.updateCallExpression(call, f.createIdentifier(caller), undefined, call.arguments);
      }
      if (!plan.countedAsync.has(key)) return visited;
      const counted = withBody(visited as AsyncFunction, countedBody((visited as AsyncFunction).body!));
      const twin = plan.twins.get(key);
      return twin ? [counted, twinOf(visited as ts.FunctionDeclaration, twin)] : counted;
    };
    const visited = ts.visitEachChild(sf, visit, context);
    // Assigned first, as TypeScript assigns the exports of function declarations: a module
    // that this one imports back (a cycle) may call the twin before the rest of this one has run.
    const exported = [...plan.twins.values()].filter((t) => t.exported).map((t) => f.createExpressionStatement(
      f.createAssignment(f.createPropertyAccessExpression(f.createIdentifier("exports"), t.name), f.createIdentifier(t.name))));
    return exported.length + callers.length === 0 ? visited : f.updateSourceFile(visited, [...exported, ...visited.statements, ...callers]);
  };
}

/** `{ "directives"; __rt.counts.activations++; try { body } finally { __rt.counts.activations--; } }`; an expression body becomes `return expression;`. */
function countedBody(body: ts.ConciseBody): ts.Block {
  const statements = ts.isBlock(body) ? [...body.statements] : [f.createReturnStatement(body)];
  let directives = 0;
  while (ts.isBlock(body) && directives < statements.length && isDirective(statements[directives]!)) directives++;
  const counted = [
    ...statements.slice(0, directives),
    f.createExpressionStatement(f.createPostfixIncrement(rtCounter("activations"))),
    f.createTryStatement(f.createBlock(statements.slice(directives), true), undefined,
      f.createBlock([f.createExpressionStatement(f.createPostfixDecrement(rtCounter("activations")))], true)),
  ];
  if (!ts.isBlock(body)) return f.createBlock(counted, true);
  // The original ranges keep the body's source mapping and its comments.
  return f.updateBlock(body, ts.setTextRange(f.createNodeArray(counted), body.statements));
}

/** `function name(a0, …) { return __rt.updatePoint(callee(a0, …)); }`: the callee moves here, the arguments stay. */
function updatePointCaller(name: string, call: ts.CallExpression): ts.FunctionDeclaration {
  const params = call.arguments.map((_, i) => f.createIdentifier(`a${i}`));
  const received = f.createCallExpression(call.expression, call.typeArguments, params);
  return f.createFunctionDeclaration(undefined, undefined, name, undefined,
    params.map((p) => f.createParameterDeclaration(undefined, undefined, p)), undefined,
    f.createBlock([f.createReturnStatement(rtCall("updatePoint", [received]))], false));
}

/** The declaration as written (its body shared, so it maps to the same lines), renamed, not exported (see above). */
function twinOf(node: ts.FunctionDeclaration, twin: { name: string }): ts.FunctionDeclaration {
  const modifiers = node.modifiers?.filter((m) => m.kind !== ts.SyntaxKind.DefaultKeyword && m.kind !== ts.SyntaxKind.ExportKeyword);
  const copy = f.updateFunctionDeclaration(node, modifiers, node.asteriskToken, f.createIdentifier(twin.name), node.typeParameters,
    node.parameters, node.type, node.body);
  return ts.setEmitFlags(copy, ts.EmitFlags.NoLeadingComments); // the declaration's comment is printed once, above it
}

function isDirective(statement: ts.Statement): boolean {
  return ts.isExpressionStatement(statement) && ts.isStringLiteral(statement.expression);
}

function withBody(node: AsyncFunction, body: ts.Block): AsyncFunction {
  if (ts.isFunctionDeclaration(node)) {
    return f.updateFunctionDeclaration(node, node.modifiers, node.asteriskToken, node.name, node.typeParameters, node.parameters,
      node.type, body);
  }
  if (ts.isFunctionExpression(node)) {
    return f.updateFunctionExpression(node, node.modifiers, node.asteriskToken, node.name, node.typeParameters, node.parameters,
      node.type, body);
  }
  if (ts.isArrowFunction(node)) {
    return f.updateArrowFunction(node, node.modifiers, node.typeParameters, node.parameters, node.type, node.equalsGreaterThanToken, body);
  }
  return f.updateMethodDeclaration(node, node.modifiers, node.asteriskToken, node.name, node.questionToken, node.typeParameters,
    node.parameters, node.type, body);
}
