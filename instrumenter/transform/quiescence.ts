/**
 * Pass: quiescence hooks, so that the runtime can tell when a process is
 * request-free: parked at an update point with no request half handled.
 *
 *   update point    the awaited `receive` at the head of an event loop
 *                   (../analyze/update-points.ts) goes through the runtime, which
 *                   counts the process parked until that promise settles:
 *                   `const m = await __rt.updatePoint(receive());`
 *   activations     every async function that awaits, but generators and those holding
 *                   an update point, counts its activation while its body runs:
 *                   `async function handle(m) { __rt.counts.activations++; try { … } finally { __rt.counts.activations--; } }`
 *                   (a property update, not a call: tens of thousands per run,
 *                   mostly in the cold code of new processes)
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
    const visit = (node: ts.Node): ts.Node => {
      const visited = ts.visitEachChild(node, visit, context);
      const key = siteKey(node);
      if (plan.updatePoints.has(key)) return rtCall("updatePoint", [visited as ts.Expression]);
      if (plan.countedAsync.has(key)) return withBody(visited as AsyncFunction, countedBody((visited as AsyncFunction).body!));
      return visited;
    };
    return ts.visitEachChild(sf, visit, context);
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
