/**
 * The plan of one module's instrumentation: every fact the passes rewrite by, found on
 * the analysis's ts.Program (where the type checker is), kept as plain data.
 *
 * The passes run inside TypeScript's emit of the module on its own
 * (ts.transpileModule, as the plain build compiles it, so that nothing but the
 * instrumentation differs), where there is no type checker. They find the nodes a
 * plan names by their site key: syntax kind and source range, the same in every parse
 * of the same text.
 */
import ts from "../../os/boot/typescript.js";
import { type Diagnostic, diagnosticAt } from "../analyze/diagnostics.js";
import { collectFunctionIdentities, type LocatedFunctionIdentity } from "../analyze/functions.js";
import { type AnalysisContext, modulePathOf } from "../analyze/program.js";
import { isProgramPromise, unseenWait } from "../analyze/promises.js";
import { isWrapper } from "../analyze/syntax.js";
import { findUpdatePoints } from "../analyze/update-points.js";
import { collectModuleVariables } from "../analyze/variables.js";
import type { TypeId } from "../metadata/schema.js";
import { RESERVED_PREFIX } from "./runtime-binding.js";

/** "<kind>:<pos>:<end>" of a node of the original source (of a transformed node: of the node it came from). */
export type SiteKey = string;

export function siteKey(node: ts.Node): SiteKey {
  const original = ts.getOriginalNode(node);
  return `${original.kind}:${original.pos}:${original.end}`;
}

/** A module-level variable the runtime can read and (unless it is constant) write. */
export interface StateVariable {
  name: string;
  settable: boolean;
  /** Its declared name, so that an exported one is read and written through `exports`; null for `export default`. */
  declaredAt: SiteKey | null;
}

/** A module-level binding a path starts from: a declaration or variable (see StateVariable.declaredAt), or `export default`. */
export type PathRoot = { name: string; declaredAt: SiteKey | null } | "default";

/** How the registration at the end of the module finds a function identity. */
export type FunctionReach =
  /** From `root` through properties (strings) and array elements (numbers): `Cache.prototype.get`, `BUILTINS.cd`. */
  | { kind: "path"; root: PathRoot; steps: Array<string | number> }
  /** No path reaches it (an argument of a call…): registered where it is created. */
  | { kind: "created"; at: SiteKey };

export interface FunctionRegistration {
  /** Its qualified name within the module, as the analysis names it: "BufCache.get". */
  name: string;
  isClass: boolean;
  reach: FunctionReach;
}

export interface ModulePlan {
  /** Relative to the OS root. */
  path: string;
  /** The source text the plan was made from. */
  source: string;
  variables: StateVariable[];
  functions: FunctionRegistration[];
  /** Allocation sites to tag -> the type id of the tag. */
  tags: Map<SiteKey, TypeId>;
  /**
   * The awaited `receive` calls of update points -> the function declared at the end of
   * the module that makes the call through the runtime, or null: the call goes through
   * the runtime where it is written.
   */
  updatePoints: Map<SiteKey, string | null>;
  /** `new Promise(executor)` sites of the program, which the runtime counts while pending (../analyze/promises.ts). */
  promises: Set<SiteKey>;
  /** A use of the names instrumented code reserves; a wait the runtime cannot see. */
  diagnostics: Diagnostic[];
}

/**
 * The plan for `sf`, a module of the analysed program. `allocationSites`: the analysis's
 * allocation sites and their type ids (of this module or more).
 */
export function planModule(ctx: AnalysisContext, sf: ts.SourceFile, allocationSites: ReadonlyMap<ts.Node, TypeId>): ModulePlan {
  const path = modulePathOf(ctx, sf);
  const updatePoints = new Map(findUpdatePoints(ctx, sf).map((point, i): [SiteKey, string | null] =>
    [siteKey(point.call), calleeAtModuleLevel(ctx, point.call) ? `${RESERVED_PREFIX}$updatePoint${i}` : null]));
  const tags = new Map<SiteKey, TypeId>();
  for (const [node, type] of allocationSites) if (node.getSourceFile() === sf) tags.set(siteKey(node), type);

  const promises = new Set<SiteKey>();
  const diagnostics: Diagnostic[] = [];
  let reserved: ts.Identifier | undefined;
  const visit = (node: ts.Node): void => {
    if (isProgramPromise(ctx, node)) promises.add(siteKey(node));
    const unseen = unseenWait(ctx, node);
    if (unseen) diagnostics.push(unseen);
    if (ts.isIdentifier(node) && node.text.startsWith(RESERVED_PREFIX)) reserved ??= node;
    ts.forEachChild(node, visit);
  };
  visit(sf);

  return {
    path,
    source: sf.text,
    variables: stateVariables(sf),
    functions: collectFunctionIdentities(sf, path).flatMap((f) => {
      const reach = reachOf(f);
      return reach ? [{ name: f.identity.name, isClass: f.identity.kind === "class", reach }] : [];
    }),
    tags,
    updatePoints,
    promises,
    diagnostics: reserved ? [...diagnostics, diagnosticAt(ctx.osRoot, reserved, "reserved-name",
      `\`${reserved.text}\` is reserved: instrumented code declares names starting with \`${RESERVED_PREFIX}\` in every module`,
      "rename it")] : diagnostics,
  };
}

/**
 * Whether the callee of `call` (`receive`, `ipc.receive`) names a module-level binding
 * and no argument is spread, so that a function declared at the end of the module can
 * make the call with the arguments passed to it.
 */
function calleeAtModuleLevel(ctx: AnalysisContext, call: ts.CallExpression): boolean {
  const callee = call.expression;
  const root = ts.isPropertyAccessExpression(callee) ? callee.expression : callee;
  if (!ts.isIdentifier(root) || call.arguments.some(ts.isSpreadElement)) return false;
  const decl = ctx.checker.getSymbolAtLocation(root)?.declarations?.[0];
  if (!decl) return false;
  if (ts.isImportSpecifier(decl) || ts.isNamespaceImport(decl) || ts.isImportClause(decl)) return true;
  if (ts.isFunctionDeclaration(decl)) return decl.parent === call.getSourceFile();
  return ts.isVariableDeclaration(decl) && ts.isVariableStatement(decl.parent.parent) && decl.parent.parent.parent === call.getSourceFile();
}

/** Every module-level variable but class statics (reached through their class), once per name. */
function stateVariables(sf: ts.SourceFile): StateVariable[] {
  const byName = new Map<string, StateVariable>();
  for (const v of collectModuleVariables(sf)) {
    if (v.declaration === "classStatic" || byName.has(v.name)) continue;
    byName.set(v.name, v.declaration === "exportDefault"
      ? { name: v.name, settable: false, declaredAt: null }
      : { name: v.name, settable: !v.isConst, declaredAt: siteKey(v.nameNode) });
  }
  return [...byName.values()];
}

/** Accessors are reached through their object, and a field function exists once per instance: neither is registered. */
function reachOf({ identity, node }: LocatedFunctionIdentity): FunctionReach | undefined {
  switch (identity.kind) {
    case "getter": case "setter": return undefined;
    case "function": case "class":
      return ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)
        ? { kind: "path", root: declarationRoot(node), steps: [] }
        : placeOf(node as ts.Expression);
    case "expression": return placeOf(node as ts.Expression);
    case "method": case "fieldFunction": {
      if (identity.kind === "fieldFunction" && !identity.static) return undefined;
      const member = memberStep((node as ts.ClassElement | ts.ObjectLiteralElement).name);
      const owner = node.parent;
      const ownerPath = ts.isClassDeclaration(owner) ? { root: declarationRoot(owner), steps: [] } : pathTo(owner as ts.Expression);
      if (member === undefined || !ownerPath) return undefined;
      const prototype = ts.isClassLike(owner) && !identity.static ? ["prototype"] : [];
      return { kind: "path", root: ownerPath.root, steps: [...ownerPath.steps, ...prototype, member] };
    }
  }
}

/** Function and class declarations keep a local binding in CommonJS; anonymous default exports only `exports.default`. */
function declarationRoot(decl: ts.FunctionDeclaration | ts.ClassDeclaration): PathRoot {
  return decl.name ? { name: decl.name.text, declaredAt: null } : "default";
}

/**
 * A function or class written in an initializer: by its path from the variable, else
 * where it is created, unless wrapping it there would take away the name JavaScript
 * gives it from its place (`{ h: () => … }` is named "h").
 */
function placeOf(expr: ts.Expression): FunctionReach | undefined {
  const path = pathTo(expr);
  if (path) return { kind: "path", ...path };
  return namedByPlace(expr) ? undefined : { kind: "created", at: siteKey(expr) };
}

/** The path from a module-level variable (or `export default`) to an expression of its initializer. */
function pathTo(expr: ts.Expression): { root: PathRoot; steps: Array<string | number> } | undefined {
  let node: ts.Node = expr;
  while (isWrapper(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isIdentifier(parent.name)) {
    return { root: { name: parent.name.text, declaredAt: siteKey(parent.name) }, steps: [] };
  }
  if (ts.isExportAssignment(parent)) return { root: "default", steps: [] };
  if (ts.isPropertyAssignment(parent) && parent.initializer === node) {
    const step = memberStep(parent.name);
    const outer = step === undefined ? undefined : pathTo(parent.parent);
    return outer && { root: outer.root, steps: [...outer.steps, step!] };
  }
  if (ts.isArrayLiteralExpression(parent)) {
    const index = parent.elements.indexOf(node as ts.Expression);
    const outer = parent.elements.slice(0, index).some(ts.isSpreadElement) ? undefined : pathTo(parent);
    return outer && { root: outer.root, steps: [...outer.steps, index] };
  }
  return undefined;
}

/** A property name a path can use again: an identifier or a literal, not `#private` or a computed expression. */
function memberStep(name: ts.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  const written = ts.isComputedPropertyName(name) ? name.expression : name;
  if (ts.isIdentifier(written)) return written === name ? written.text : undefined;
  return ts.isStringLiteralLike(written) || ts.isNumericLiteral(written) ? written.text : undefined;
}

/** An anonymous function or class whose place names it (NamedEvaluation): an initializer, a property, an assignment. */
function namedByPlace(expr: ts.Expression): boolean {
  if ((ts.isFunctionExpression(expr) || ts.isClassExpression(expr)) && expr.name) return false;
  let node: ts.Node = expr;
  while (isWrapper(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    return parent.right === node && (op === ts.SyntaxKind.EqualsToken || op === ts.SyntaxKind.AmpersandAmpersandEqualsToken
      || op === ts.SyntaxKind.BarBarEqualsToken || op === ts.SyntaxKind.QuestionQuestionEqualsToken);
  }
  return ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)
    || ts.isParameter(parent) || ts.isBindingElement(parent) || ts.isShorthandPropertyAssignment(parent)
    || ts.isExportAssignment(parent);
}

/** The nodes of `sf` (a parse of the plan's source) at these site keys. */
export function nodesAt(sf: ts.SourceFile, keys: ReadonlySet<SiteKey>): Map<SiteKey, ts.Node> {
  const found = new Map<SiteKey, ts.Node>();
  const visit = (node: ts.Node): void => {
    const key = siteKey(node);
    if (keys.has(key)) found.set(key, node);
    if (found.size < keys.size) ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}
