/**
 * State reachable only through closures. A function value in the state is transferred
 * as the name of a function identity (functions.ts); what a closure captures from the
 * call that created it is state no variable or field describes. What counts:
 *
 *   1. A module-level variable whose initializer calls a function (an IIFE, a named
 *      function of the OS, or a constructor) that hands out a closure capturing that
 *      call's parameters or locals: returned (directly, in an object or array literal,
 *      through a local variable or local function) or, for a constructor, stored in a
 *      field of `this`. Calls inside the returned value are followed the same way.
 *      `f.bind(…)` counts too: the bound `this` and arguments are captured.
 *   2. A module-level `let`/`var` assigned, inside a function, a function created there
 *      (it has no identity, even if it closes over nothing but module state), or the
 *      result of a call as in 1.
 * Closing over module-level variables is fine: they are transferred on their own, and
 * the new version's function of the same identity closes over the new copies. So a
 * `let` initialised at the top level with an arrow that updates module state is
 * described (its identity is the variable's name).
 * Getters and setters are not handed out as values; their case is hiddenAccessorState.
 */
import ts from "../../os/boot/typescript.js";
import type { ModuleVariable } from "./variables.js";
import { type AnalysisContext, isInOsTree } from "./program.js";
import { type Diagnostic, diagnosticAt } from "./diagnostics.js";
import { isFunctionExpression, isTypePosition, lineOf, skipWrappers } from "./syntax.js";

/** Declarations that hold a value at run time (not types, not properties). */
function isBindingDeclaration(decl: ts.Node): boolean {
  return ts.isVariableDeclaration(decl) || ts.isParameter(decl) || ts.isBindingElement(decl)
    || ts.isFunctionDeclaration(decl) || ts.isClassDeclaration(decl);
}

function contains(outer: ts.Node, inner: ts.Node): boolean {
  return inner.pos >= outer.pos && inner.end <= outer.end && inner.getSourceFile() === outer.getSourceFile();
}

/**
 * Names `fn` uses that are declared inside `scope` but outside `fn`: what it captures
 * from a call of `scope` (a function). `this` counts for an arrow whose `this` is
 * `scope`'s.
 */
function capturedFrom(checker: ts.TypeChecker, fn: ts.Node, scope: ts.Node): string[] {
  const captured = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (isTypePosition(node)) return;
    if (node.kind === ts.SyntaxKind.ThisKeyword) {
      const owner = ts.findAncestor(node.parent, (n) => ts.isFunctionLike(n) && !ts.isArrowFunction(n));
      if (owner && owner !== fn && contains(scope, owner) && !contains(fn, owner)) captured.add("this");
    }
    if (ts.isIdentifier(node)) {
      const symbol = ts.isShorthandPropertyAssignment(node.parent)
        ? checker.getShorthandAssignmentValueSymbol(node.parent) : checker.getSymbolAtLocation(node);
      const decl = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
      if (decl && isBindingDeclaration(decl) && contains(scope, decl) && !contains(fn, decl)) captured.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn, visit);
  return [...captured];
}

/** What a getter or setter captures from enclosing functions: its hidden backing state. */
export function hiddenAccessorState(checker: ts.TypeChecker, accessor: ts.AccessorDeclaration): string[] {
  const captured = new Set<string>();
  for (let scope = accessor.parent as ts.Node | undefined; scope; scope = scope.parent) {
    if (ts.isFunctionLike(scope)) capturedFrom(checker, accessor, scope).forEach((n) => captured.add(n));
  }
  return [...captured];
}

type FunctionWithBody = ts.FunctionLikeDeclaration & { body: ts.ConciseBody };

/** The OS function a call or `new` runs: an IIFE, a declared function or method, a class's constructor. */
function calleeOf(ctx: AnalysisContext, call: ts.CallExpression | ts.NewExpression): FunctionWithBody | undefined {
  const callee = skipWrappers(call.expression);
  if (isFunctionExpression(callee)) return callee;
  let symbol = ctx.checker.getSymbolAtLocation(callee);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = ctx.checker.getAliasedSymbol(symbol);
  for (const decl of symbol?.declarations ?? []) {
    if (!isInOsTree(ctx, decl.getSourceFile().fileName)) continue;
    if ((ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl)) && decl.body) return decl as FunctionWithBody;
    if (ts.isVariableDeclaration(decl) && decl.initializer && isFunctionExpression(skipWrappers(decl.initializer))) {
      return skipWrappers(decl.initializer) as ts.ArrowFunction | ts.FunctionExpression;
    }
    if (ts.isClassLike(decl) && ts.isNewExpression(call)) {
      const ctor = decl.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && m.body !== undefined);
      if (ctor) return ctor as FunctionWithBody;
    }
  }
  return undefined;
}

/** The nearest enclosing function of a node. */
function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  return ts.findAncestor(node.parent, ts.isFunctionLike);
}

/** What `fn` hands out: its returned expressions and, for a constructor, values stored on `this`. */
function handedOut(fn: FunctionWithBody): ts.Expression[] {
  if (!ts.isBlock(fn.body)) return [fn.body];
  const out: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression) out.push(node.expression);
    if (ts.isConstructorDeclaration(fn) && ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken
      && ts.isPropertyAccessExpression(node.left) && node.left.expression.kind === ts.SyntaxKind.ThisKeyword) out.push(node.right);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn.body, visit);
  return out;
}

const quoted = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(", ");

function describeFunction(fn: ts.Node): string {
  const name = ts.getNameOfDeclaration(fn as ts.Declaration);
  if (ts.isConstructorDeclaration(fn)) return `the constructor of \`${fn.parent.name?.text ?? "a class"}\``;
  return name ? `\`${name.getText()}\`` : `the anonymous function at line ${lineOf(fn)}`;
}

/**
 * The closures that the calls in `value` hand out and that capture a call's variables,
 * e.g. "a closure made at line 22 by `onConsole`, capturing `fn`". Calls in what a call
 * hands out are followed too (a worklist). Functions written in `value` itself are not
 * looked at: the caller knows whether they are created once or per call.
 */
function closuresMadeBy(ctx: AnalysisContext, value: ts.Expression): string[] {
  const findings: string[] = [];
  const examined = new Set<ts.Node>();
  const pending: Array<{ expr: ts.Expression; scope: FunctionWithBody | undefined }> = [{ expr: value, scope: undefined }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { expr, scope: inScope } = item;
    const seenLocals = new Set<ts.Node>();
    const visit = (node: ts.Node): void => {
      if (isTypePosition(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) return;
      if (inScope && (ts.isFunctionLike(node) || ts.isClassLike(node))) {
        const captured = capturedFrom(ctx.checker, node, inScope);
        if (captured.length > 0) {
          findings.push(`a closure made at line ${lineOf(node)} by ${describeFunction(inScope)}, capturing ${quoted(captured)}`);
        }
        return;
      }
      if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        const callee = skipWrappers(node.expression);
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === "bind"
          && ctx.checker.getTypeAtLocation(callee.expression).getCallSignatures().length > 0) {
          findings.push(`a function bound at line ${lineOf(node)} (\`.bind\`), capturing its \`this\` and arguments`);
        }
        const body = calleeOf(ctx, node);
        if (body && !examined.has(body)) {
          examined.add(body);
          for (const out of handedOut(body)) pending.push({ expr: out, scope: body });
        }
      }
      // A local variable or function handed out: follow it to its definition in the call.
      if (inScope && ts.isIdentifier(node)) {
        const decl = ctx.checker.getSymbolAtLocation(node)?.valueDeclaration;
        if (decl && !seenLocals.has(decl) && contains(inScope, decl) && enclosingFunction(decl) === inScope) {
          seenLocals.add(decl);
          if (ts.isVariableDeclaration(decl) && decl.initializer) visit(decl.initializer);
          else if (ts.isFunctionDeclaration(decl) || ts.isClassDeclaration(decl)) visit(decl);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(expr);
  }
  return findings;
}

/** Functions `expr` creates each time it is evaluated (not those inside them). */
function functionsCreatedBy(expr: ts.Expression): ts.Node[] {
  const created: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) created.push(node);
    else ts.forEachChild(node, visit);
  };
  visit(expr);
  return created;
}

/** Assignments to `variable` made inside functions (a module binding is assigned only in its module). */
function assignmentsInFunctions(ctx: AnalysisContext, variable: ModuleVariable): Array<{ value: ts.Expression; in: ts.SignatureDeclaration }> {
  const symbol = ctx.checker.getSymbolAtLocation(variable.nameNode);
  const found: Array<{ value: ts.Expression; in: ts.SignatureDeclaration }> = [];
  const assigning = [ts.SyntaxKind.EqualsToken, ts.SyntaxKind.QuestionQuestionEqualsToken, ts.SyntaxKind.BarBarEqualsToken,
    ts.SyntaxKind.AmpersandAmpersandEqualsToken];
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && assigning.includes(node.operatorToken.kind)) {
      const target = skipWrappers(node.left);
      const fn = enclosingFunction(node);
      if (fn && ts.isIdentifier(target) && ctx.checker.getSymbolAtLocation(target) === symbol) found.push({ value: node.right, in: fn });
    }
    ts.forEachChild(node, visit);
  };
  visit(variable.nameNode.getSourceFile());
  return found;
}

/** Closure-state errors of one module-level variable (none for @transient ones: the caller skips those). */
export function closureStateDiagnostics(ctx: AnalysisContext, variable: ModuleVariable, qualifiedName: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const transientHint = `mark \`${variable.name}\` @transient if the new version's initializer rebuilds it`;
  const hint = `${transientHint}; otherwise keep the state in module variables or class fields and store top-level functions or methods`;
  if (variable.initializer) {
    for (const what of closuresMadeBy(ctx, variable.initializer)) {
      diagnostics.push(diagnosticAt(ctx.osRoot, variable.nameNode, "closure-state",
        `variable \`${qualifiedName}\` holds ${what}: state no variable or field describes`, hint));
    }
  }
  if (variable.declaration === "let" || variable.declaration === "var") {
    for (const assignment of assignmentsInFunctions(ctx, variable)) {
      for (const created of functionsCreatedBy(assignment.value)) {
        const captured = capturedFrom(ctx.checker, created, assignment.in);
        diagnostics.push(diagnosticAt(ctx.osRoot, created, "closure-state",
          `variable \`${qualifiedName}\` is assigned a function created inside ${describeFunction(assignment.in)}`
          + `${captured.length ? `, capturing ${quoted(captured)}` : ""}: it has no identity the new version could map it to`,
          `assign a top-level function or a method instead, or ${transientHint}`));
      }
      for (const what of closuresMadeBy(ctx, assignment.value)) {
        diagnostics.push(diagnosticAt(ctx.osRoot, assignment.value, "closure-state",
          `variable \`${qualifiedName}\` is assigned ${what}: state no variable or field describes`, hint));
      }
    }
  }
  return diagnostics;
}
