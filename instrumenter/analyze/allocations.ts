/**
 * Allocation sites: where a module allocates the objects state may come to hold, each
 * with the static type it is allocated as. The instrumenter tags each object with
 * that type's id, so that state transfer can tell what any object of the heap is.
 *
 *   object literal          its declared or contextual type (`const m: Message = {…}`,
 *                           `map.set(k, {…})`, `return {…}`): of a union, the one member
 *                           the literal belongs to; otherwise the literal's own type
 *   array literal           likewise, its contextual array or tuple type, else its own
 *   new Array / Map / Set   the type of the `new` expression (TypeScript infers its type
 *                           arguments from the context)
 *   new C, C a class of     not tagged (the runtime knows an instance by its constructor),
 *   the OS                  but its type belongs in the type table
 *
 * Literals that are destructuring targets (`[a, b] = …`) are patterns, not allocations;
 * an object literal passed as a source of `Object.assign` is only copied from (and its
 * tag would be copied onto the target).
 */
import ts from "../../os/boot/typescript.js";
import { type AnalysisContext, isInOsTree } from "./program.js";
import { isDestructuringTarget } from "./syntax.js";

export type AllocationKind = "object" | "array" | "map" | "set" | "class";

export interface AllocationSite {
  node: ts.ObjectLiteralExpression | ts.ArrayLiteralExpression | ts.NewExpression;
  kind: AllocationKind;
  type: ts.Type;
}

const STANDARD_COLLECTIONS: ReadonlyMap<string, AllocationKind> = new Map([["Array", "array"], ["Map", "map"], ["Set", "set"]]);

/** Every allocation site of `sf`, in source order. */
export function collectAllocationSites(ctx: AnalysisContext, sf: ts.SourceFile): AllocationSite[] {
  const { checker } = ctx;
  const found: AllocationSite[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isObjectLiteralExpression(node) && !isDestructuringTarget(node) && !isAssignSource(ctx, node)) {
      found.push({ node, kind: "object", type: contextualOrOwn(checker, node, (t) => isObjectType(checker, t)) });
    } else if (ts.isArrayLiteralExpression(node) && !isDestructuringTarget(node)) {
      found.push({ node, kind: "array", type: contextualOrOwn(checker, node, (t) => checker.isArrayType(t) || checker.isTupleType(t)) });
    } else if (ts.isNewExpression(node)) {
      const kind = constructedKind(ctx, node.expression);
      if (kind) found.push({ node, kind, type: checker.getTypeAtLocation(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** An argument after the first of the standard `Object.assign`. */
function isAssignSource(ctx: AnalysisContext, literal: ts.ObjectLiteralExpression): boolean {
  const call = literal.parent;
  if (!ts.isCallExpression(call) || call.arguments.indexOf(literal) < 1 || !ts.isPropertyAccessExpression(call.expression)
    || call.expression.name.text !== "assign") return false;
  const decl = ctx.checker.getSymbolAtLocation(call.expression.expression)?.declarations?.[0];
  return decl !== undefined && ctx.program.isSourceFileDefaultLibrary(decl.getSourceFile());
}

function isObjectType(checker: ts.TypeChecker, t: ts.Type): boolean {
  return (t.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) !== 0 && !checker.isArrayType(t) && !checker.isTupleType(t);
}

/**
 * The contextual type of a literal when it says what the literal is: the only member of
 * it (of a union, leaving out members of another kind) that `fits`, or the only one the
 * literal is assignable to. Otherwise (no context, a type parameter, an ambiguous union,
 * the untyped shape a destructuring pattern implies) the literal's own type.
 */
function contextualOrOwn(checker: ts.TypeChecker, literal: ts.Expression, fits: (t: ts.Type) => boolean): ts.Type {
  const own = checker.getTypeAtLocation(literal);
  const context = checker.getContextualType(literal);
  if (!context || initializesPattern(literal)) return own;
  const candidates = (context.isUnion() ? context.types : [context]).filter(fits);
  if (candidates.length === 1) return candidates[0]!;
  const assignable = candidates.filter((t) => checker.isTypeAssignableTo(own, t));
  return assignable.length === 1 ? assignable[0]! : own;
}

/** What `new <callee>` allocates: a standard Array, Map or Set, an instance of a class of the OS, or nothing tracked. */
function constructedKind(ctx: AnalysisContext, callee: ts.Expression): AllocationKind | undefined {
  let symbol = ctx.checker.getSymbolAtLocation(callee);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = ctx.checker.getAliasedSymbol(symbol);
  const decl = symbol?.declarations?.[0];
  if (!symbol || !decl) return undefined;
  if (ctx.program.isSourceFileDefaultLibrary(decl.getSourceFile())) return STANDARD_COLLECTIONS.get(symbol.name);
  return symbol.flags & ts.SymbolFlags.Class && isInOsTree(ctx, decl.getSourceFile().fileName) ? "class" : undefined;
}

/** `const [a, b] = [1, 2]`: the literal initializes a destructuring pattern with no written type. */
function initializesPattern(literal: ts.Expression): boolean {
  const holder = literal.parent;
  return (ts.isVariableDeclaration(holder) || ts.isParameter(holder) || ts.isBindingElement(holder))
    && holder.initializer === literal && !ts.isIdentifier(holder.name) && !(ts.isBindingElement(holder) || holder.type);
}
