/** Small questions about syntax that several visitors ask. */
import ts from "typescript";

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

/** The expression itself, through parentheses and type assertions. */
export function skipWrappers(node: ts.Expression): ts.Expression {
  let e = node;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)
    || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
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
