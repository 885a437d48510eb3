/** Small questions about syntax that several visitors ask. */
import ts from "../../os/boot/typescript.js";

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false);
}

/** The name of a class or object member as written: `x`, `#x`, `"x y"`, `[Symbol.iterator]`. */
export function memberNameText(name: ts.PropertyName): string {
  if (ts.isComputedPropertyName(name)) return `[${name.expression.getText()}]`;
  return ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)
    ? name.text : name.getText();
}

export function isFunctionExpression(node: ts.Node): node is ts.ArrowFunction | ts.FunctionExpression {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

/** Parentheses or a type assertion: an expression that evaluates to the one it wraps. */
export function isWrapper(node: ts.Node): node is ts.ParenthesizedExpression | ts.AsExpression | ts.SatisfiesExpression
  | ts.NonNullExpression | ts.TypeAssertion {
  return ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)
    || ts.isNonNullExpression(node) || ts.isTypeAssertionExpression(node);
}

/** The expression itself, through parentheses and type assertions. */
export function skipWrappers(node: ts.Expression): ts.Expression {
  let e = node;
  while (isWrapper(e)) e = e.expression;
  return e;
}

/** A type written in the source, which holds no value: all type nodes but the `extends` of a class (which evaluates its base). */
export function isTypePosition(node: ts.Node): boolean {
  if (!ts.isTypeNode(node)) return false;
  const clause = node.parent;
  return !(ts.isExpressionWithTypeArguments(node) && ts.isHeritageClause(clause)
    && clause.token === ts.SyntaxKind.ExtendsKeyword && ts.isClassLike(clause.parent));
}

/** 1-based line of the node's first token. */
export function lineOf(node: ts.Node): number {
  const sf = node.getSourceFile();
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

/**
 * An object or array literal that is (part of) the target of a destructuring assignment
 * (`[a, b] = …`, `({ x } = …)`, `for ([k, v] of …)`): a pattern, which allocates nothing.
 */
export function isDestructuringTarget(literal: ts.ObjectLiteralExpression | ts.ArrayLiteralExpression): boolean {
  let node: ts.Node = literal;
  for (;;) {
    let parent = node.parent;
    while (ts.isParenthesizedExpression(parent)) [node, parent] = [parent, parent.parent];
    if (ts.isBinaryExpression(parent)) return parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.left === node;
    if (ts.isForOfStatement(parent) || ts.isForInStatement(parent)) return parent.initializer === node;
    // Nested in a literal: a pattern exactly when the outermost literal is one.
    if ((ts.isPropertyAssignment(parent) && parent.initializer === node) || ts.isSpreadAssignment(parent)
      || ts.isSpreadElement(parent)) node = parent.parent;
    else if (ts.isArrayLiteralExpression(parent)) node = parent;
    else return false;
    if (!ts.isObjectLiteralExpression(node) && !ts.isArrayLiteralExpression(node)) return false;
  }
}
