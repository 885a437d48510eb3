/**
 * Update points: the head of every event loop, where a process waits for its next
 * request with none half handled on the loop's stack.
 *
 * An event loop is a loop that its condition never ends (`for (;;)`, `for (; true;)`,
 * `while (true)`, `do … while (true)`) whose first statement awaits, before anything
 * else, a call of `receive` from the OS's lib/ipc.ts (`const m = await receive()`,
 * `dispatch(await receive())`, `queued.shift() ?? (await receive())`, `try { const m =
 * await receive(); …`). The update point is that awaited call. A `receive` awaited
 * anywhere else (a handler waiting for a reply or an interrupt) is not one: work is in
 * progress there.
 */
import ts from "../../os/boot/typescript.js";
import { type AnalysisContext, modulePathOf } from "./program.js";
import { skipWrappers } from "./syntax.js";

/** The module whose `receive` starts an event loop's iteration. */
const IPC_MODULE = "lib/ipc.ts";

export interface LocatedUpdatePoint {
  /** The awaited `receive(…)` call. */
  call: ts.CallExpression;
  /** The function whose loop it heads. */
  holder: ts.SignatureDeclaration;
}

/** Every update point of `sf`, in source order. */
export function findUpdatePoints(ctx: AnalysisContext, sf: ts.SourceFile): LocatedUpdatePoint[] {
  const found: LocatedUpdatePoint[] = [];
  const visit = (node: ts.Node): void => {
    const body = endlessLoopBody(node);
    const first = body && (ts.isBlock(body) ? body.statements[0] : body);
    const awaited = first && firstAwait(first);
    const call = awaited && skipWrappers(awaited.expression);
    const holder = ts.findAncestor(node, ts.isFunctionLike);
    // A loop nested first in another heads both: one update point.
    if (call && ts.isCallExpression(call) && isIpcReceive(ctx, call.expression) && holder && !found.some((p) => p.call === call)) {
      found.push({ call, holder });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function endlessLoopBody(node: ts.Node): ts.Statement | undefined {
  const isTrue = (e: ts.Expression) => skipWrappers(e).kind === ts.SyntaxKind.TrueKeyword;
  if (ts.isForStatement(node) && (!node.condition || isTrue(node.condition))) return node.statement;
  if ((ts.isWhileStatement(node) || ts.isDoStatement(node)) && isTrue(node.expression)) return node.statement;
  return undefined;
}

/** The first `await` written in `statement`, outside functions written inside it. */
function firstAwait(statement: ts.Statement): ts.AwaitExpression | undefined {
  const visit = (node: ts.Node): ts.AwaitExpression | undefined => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return undefined;
    return ts.isAwaitExpression(node) ? node : ts.forEachChild(node, visit);
  };
  return visit(statement);
}

/** `receive` or `ipc.receive`, resolving to the function lib/ipc.ts declares (through imports and re-exports). */
function isIpcReceive(ctx: AnalysisContext, callee: ts.Expression): boolean {
  const name = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
  let symbol = ctx.checker.getSymbolAtLocation(name);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = ctx.checker.getAliasedSymbol(symbol);
  const decl = symbol?.valueDeclaration;
  return symbol?.name === "receive" && decl !== undefined && modulePathOf(ctx, decl.getSourceFile()) === IPC_MODULE;
}
