/**
 * Which async activations the runtime counts, and which run inside one that is counted.
 *
 * A process is request-free when it is parked at an update point and no activation of
 * its async functions is in flight (../transform/quiescence.ts). Every async function
 * that awaits counts its activations while its body runs. But an activation started by
 * `await f(…)` in the body of another async function runs wholly inside that caller's:
 * the caller is suspended at that await, and so in flight, until f's body has ended.
 * Counting f there again adds nothing, and it is not free: the count and its `finally`
 * make every such function larger, in bytecode and in optimized code, and V8 compiles
 * each process's hot functions anew in its realm.
 *
 * So a counted async function declaration gets a twin without the count (`__rt_f`,
 * exported where f is; one of the module's own only if the module calls it), and a call
 * the twin can serve calls it:
 *
 *   `await f(…)`, f an identifier naming such a declaration (in its module or imported
 *   by name straight from it), in the body of a covering function.
 *
 * A covering function is one whose activations are themselves counted or covered: an
 * async function that is not a generator and holds no update point (the function
 * holding an event loop is not counted, so what it awaits is covered by nothing); or an
 * async generator of its module's own that is only ever consumed whole, as
 * `for await (… of g(…))` in a covering function (its consumer is suspended while its
 * body runs). Every other call of f, and f as a value (stored in a table, passed as a
 * callback, reached by the host), is the counted f itself: nothing can start f's twin
 * but a call this analysis found covered.
 */
import ts from "../../os/boot/typescript.js";
import { type AnalysisContext, isInOsTree } from "./program.js";
import { hasModifier, isTypePosition, isWrapper } from "./syntax.js";
import { findUpdatePoints } from "./update-points.js";

/** The prefix of every name instrumented code declares; the source may not use it. */
export const RESERVED_PREFIX = "__rt";

/** The name of f's uncounted twin. */
export function twinName(f: ts.FunctionDeclaration): string {
  return `${RESERVED_PREFIX}_${f.name!.text}`;
}

/** An async function, not a generator, with an `await` of its own (not one of a function written inside it). */
export function isAwaitingAsyncFunction(node: ts.Node): node is ts.FunctionLikeDeclaration {
  if (!(ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node))
    || !node.body || node.asteriskToken || !hasModifier(node, ts.SyntaxKind.AsyncKeyword)) return false;
  const awaits = (n: ts.Node): boolean => !ts.isFunctionLike(n) && !ts.isClassLike(n)
    && (ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && n.awaitModifier !== undefined) || ts.forEachChild(n, awaits) === true);
  return awaits(node.body);
}

const perAnalysis = new WeakMap<AnalysisContext, Activations>();

/** The facts about activations of the analysis `ctx`, each file's worked out once. */
export function activationsOf(ctx: AnalysisContext): Activations {
  let a = perAnalysis.get(ctx);
  if (!a) perAnalysis.set(ctx, (a = new Activations(ctx)));
  return a;
}

export class Activations {
  private holdersOf = new Map<ts.SourceFile, Set<ts.Node>>();
  private covering = new Map<ts.Node, boolean>();
  private counted = new Map<ts.Node, boolean>();

  constructor(private ctx: AnalysisContext) {}

  /** Functions of `sf` that hold an update point. */
  holders(sf: ts.SourceFile): Set<ts.Node> {
    let found = this.holdersOf.get(sf);
    if (!found) this.holdersOf.set(sf, (found = new Set(findUpdatePoints(this.ctx, sf).map((p) => p.holder))));
    return found;
  }

  /** An async function whose activations are counted in its body (asked again at every call that may call its twin). */
  isCounted(node: ts.Node): boolean {
    if (!ts.isFunctionLike(node)) return false;
    let counted = this.counted.get(node);
    if (counted === undefined) {
      counted = isAwaitingAsyncFunction(node) && !this.holders(node.getSourceFile()).has(node);
      this.counted.set(node, counted);
    }
    return counted;
  }

  /** A counted function declaration that gets an uncounted twin. */
  hasTwin(node: ts.Node): node is ts.FunctionDeclaration {
    return ts.isFunctionDeclaration(node) && node.name !== undefined && this.isCounted(node);
  }

  /** The declaration `call` calls if its twin can serve the call (see the module comment); else undefined. */
  directCall(call: ts.CallExpression): ts.FunctionDeclaration | undefined {
    if (call.questionDotToken || !ts.isIdentifier(call.expression)) return undefined;
    let operand: ts.Node = call;
    while (isWrapper(operand.parent)) operand = operand.parent;
    if (!ts.isAwaitExpression(operand.parent)) return undefined;
    const caller = ts.findAncestor(operand.parent, ts.isFunctionLike);
    if (!caller || !this.covers(caller)) return undefined;
    const callee = this.declarationCalled(call.expression);
    return callee && this.hasTwin(callee) ? callee : undefined;
  }

  /**
   * The function declaration `name` names: one of its module, or one imported by name
   * straight from the module that declares and exports it (its twin is exported beside it).
   */
  private declarationCalled(name: ts.Identifier): ts.FunctionDeclaration | undefined {
    const checker = this.ctx.checker;
    let symbol = checker.getSymbolAtLocation(name);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) {
      const specifier = symbol.declarations?.[0];
      const target = checker.getAliasedSymbol(symbol);
      if (!specifier || !ts.isImportSpecifier(specifier) || checker.getImmediateAliasedSymbol(symbol) !== target) return undefined;
      symbol = target;
      const decl = symbol.declarations?.find((d): d is ts.FunctionDeclaration => ts.isFunctionDeclaration(d) && d.body !== undefined);
      return decl && hasModifier(decl, ts.SyntaxKind.ExportKeyword) && !hasModifier(decl, ts.SyntaxKind.DefaultKeyword)
        && (specifier.propertyName ?? specifier.name).text === decl.name?.text && isInOsTree(this.ctx, decl.getSourceFile().fileName)
        ? decl : undefined;
    }
    const decl = symbol?.declarations?.find((d): d is ts.FunctionDeclaration => ts.isFunctionDeclaration(d) && d.body !== undefined);
    return decl && decl.getSourceFile() === name.getSourceFile() ? decl : undefined;
  }

  /** Whether `fn`'s activations are counted or covered, so that its awaits cover what they call. */
  private covers(fn: ts.SignatureDeclaration): boolean {
    if (!hasModifier(fn, ts.SyntaxKind.AsyncKeyword) || !("body" in fn) || !fn.body) return false;
    if (!("asteriskToken" in fn) || !fn.asteriskToken) return !this.holders(fn.getSourceFile()).has(fn);
    const known = this.covering.get(fn);
    if (known !== undefined) return known;
    this.covering.set(fn, false); // a generator consumed by itself covers nothing
    const covered = ts.isFunctionDeclaration(fn) && this.consumedWhole(fn);
    this.covering.set(fn, covered);
    return covered;
  }

  /** A generator of its module's own, every use of which is `for await (… of g(…))` in a covering function. */
  private consumedWhole(g: ts.FunctionDeclaration): boolean {
    if (!g.name || hasModifier(g, ts.SyntaxKind.ExportKeyword)) return false;
    const symbol = this.ctx.checker.getSymbolAtLocation(g.name);
    let whole = true;
    const visit = (node: ts.Node): void => {
      if (!whole || isTypePosition(node)) return;
      if (ts.isIdentifier(node) && node !== g.name && this.ctx.checker.getSymbolAtLocation(node) === symbol) {
        const call = node.parent;
        const loop = call.parent;
        const consumer = ts.findAncestor(loop, ts.isFunctionLike);
        whole = ts.isCallExpression(call) && call.expression === node && ts.isForOfStatement(loop) && loop.awaitModifier !== undefined
          && loop.expression === call && consumer !== undefined && this.covers(consumer);
        return;
      }
      ts.forEachChild(node, visit);
    };
    visit(g.getSourceFile());
    return whole;
  }
}
