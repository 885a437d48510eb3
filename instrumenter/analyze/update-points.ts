/**
 * Update points: the head of every event loop the program's entry runs, where a
 * process waits for its next request with none half handled.
 *
 * An event loop is a loop that its condition never ends (`for (;;)`, `for (; true;)`,
 * `while (true)`, `do … while (true)`) whose first statement awaits, before anything
 * else, a call of `receive` from the OS's lib/ipc.ts (`const m = await receive()`,
 * `dispatch(await receive())`, `queued.shift() ?? (await receive())`, `try { const m =
 * await receive(); …`). The update point is that awaited call. A `receive` awaited
 * anywhere else (a handler waiting for a reply or an interrupt) is not one: work is in
 * progress there.
 *
 * The loop must be in an entry function: an exported function declaration that the
 * program never names (the kernel calls it; `ns["main"]` names it too). A loop in a
 * function the program calls (a driver's wait for its interrupt, a `serve()` that
 * `main` awaits) waits inside its caller's work: a process parked there is not
 * request-free, and nothing else tells the runtime so. Methods and closures are never
 * entries: who calls them cannot be known.
 */
import ts from "../../os/boot/typescript.js";
import { type AnalysisContext, isInOsTree, modulePathOf } from "./program.js";
import { hasModifier, skipWrappers } from "./syntax.js";

/** The module whose `receive` starts an event loop's iteration. */
export const IPC_MODULE = "lib/ipc.ts";

export interface LocatedUpdatePoint {
  /** The awaited `receive(…)` call. */
  call: ts.CallExpression;
  /** The function whose loop it heads. */
  holder: ts.SignatureDeclaration;
}

/** Every update point of `sf`, in source order (of `loops`, its event loops, when already found). */
export function findUpdatePoints(ctx: AnalysisContext, sf: ts.SourceFile,
  loops = findEventLoops(ctx, sf)): LocatedUpdatePoint[] {
  return loops.filter((p) => isEntry(ctx, p.holder));
}

/** Every event loop of `sf` with its awaited `receive`, whatever function holds it. */
export function findEventLoops(ctx: AnalysisContext, sf: ts.SourceFile): LocatedUpdatePoint[] {
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

/** An exported function declaration that no module of the analysed program names (see above). */
function isEntry(ctx: AnalysisContext, holder: ts.SignatureDeclaration): boolean {
  if (!ts.isFunctionDeclaration(holder) || !holder.name || !hasModifier(holder, ts.SyntaxKind.ExportKeyword)) return false;
  const symbol = ctx.checker.getSymbolAtLocation(holder.name);
  return !namesOf(ctx).get(holder.name.text)?.some((node) => {
    if (node === holder.name) return false;
    if (ts.isStringLiteralLike(node)) return true; // `ns["main"]`
    // `export { main }` and `export { main } from "./main.js"` pass it on under its name: no call.
    if (ts.isExportSpecifier(node.parent) && !node.parent.propertyName) return false;
    let named = ctx.checker.getSymbolAtLocation(node);
    if (named && named.flags & ts.SymbolFlags.Alias) named = ctx.checker.getAliasedSymbol(named);
    return named === symbol;
  });
}

type Name = ts.Identifier | ts.StringLiteralLike;

const namesByAnalysis = new WeakMap<AnalysisContext, Map<string, Name[]>>();

/** Every identifier, and every string naming a property (`x["name"]`), of the OS modules analysed, by text (once per analysis). */
function namesOf(ctx: AnalysisContext): Map<string, Name[]> {
  let names = namesByAnalysis.get(ctx);
  if (names) return names;
  namesByAnalysis.set(ctx, (names = new Map()));
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) || (ts.isStringLiteralLike(node) && ts.isElementAccessExpression(node.parent))) {
      let list = names!.get(node.text);
      if (!list) names!.set(node.text, (list = []));
      list.push(node);
    }
    ts.forEachChild(node, visit);
  };
  for (const sf of ctx.program.getSourceFiles()) if (isInOsTree(ctx, sf.fileName)) visit(sf);
  return names;
}
