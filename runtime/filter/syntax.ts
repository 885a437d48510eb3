/**
 * The syntax of state filters: a JavaScript expression (parsed by @babel/parser) of
 * which only these constructs are allowed:
 *
 *   names          a module variable of the program: `vfs`, `openFiles`, `Registry.count`
 *   member access  `.name`, and a literal index `[0]` / `["key"]`; `.size` of a Map or Set,
 *                  `.length` of an array, typed array or string
 *   literals       numbers (a leading `-` included), strings, true, false, null, undefined
 *   comparisons    == != === !== < <= > >=
 *   logic          ! && ||, and parentheses
 *
 * Everything else is rejected where it is written, with why. A filter reads state, so
 * nothing that runs code or changes state (calls, `new`, assignment, ++, functions) and
 * nothing that names anything but state (`this`, templates, regular expressions). No
 * arithmetic either: a filter states a condition of values as they are (write
 * `a.size == 0 && b.size == 0`, not `a.size + b.size == 0`), which keeps every
 * comparison one the metadata can check. No optional chaining: reading a field of null
 * is a fault that makes the filter false anyway, and `x != null && x.f == 1` says the
 * same without a third value.
 */
import { parseExpression } from "@babel/parser";
import type * as t from "@babel/types";
import { FilterError, type Span } from "./error.js";

export type ComparisonOperator = "==" | "!=" | "===" | "!==" | "<" | "<=" | ">" | ">=";

export type FilterNode =
  | { kind: "name"; name: string; span: Span }
  | { kind: "member"; object: FilterNode; property: string | number; span: Span; propertySpan: Span }
  | { kind: "literal"; value: string | number | boolean | null | undefined; span: Span }
  | { kind: "not"; operand: FilterNode; span: Span }
  | { kind: "logical"; operator: "&&" | "||"; left: FilterNode; right: FilterNode; span: Span }
  | { kind: "compare"; operator: ComparisonOperator; left: FilterNode; right: FilterNode; span: Span; operatorSpan: Span };

const COMPARISONS = new Set<string>(["==", "!=", "===", "!==", "<", "<=", ">", ">="]);

/** Why a construct is not allowed, by Babel node type. */
const FORBIDDEN: Record<string, string> = {
  CallExpression: "calls are not allowed: a filter only reads state",
  NewExpression: "'new' is not allowed: a filter only reads state",
  OptionalCallExpression: "calls are not allowed: a filter only reads state",
  OptionalMemberExpression: "optional chaining (?.) is not allowed: reading a field of null makes the filter false; guard with 'x != null && x.y …'",
  AssignmentExpression: "assignment is not allowed: a filter only reads state",
  UpdateExpression: "'++' and '--' are not allowed: a filter only reads state",
  ThisExpression: "'this' is not allowed: name a module variable",
  Super: "'super' is not allowed: name a module variable",
  TemplateLiteral: "template literals are not allowed: use a string literal",
  TaggedTemplateExpression: "tagged templates are not allowed: a filter only reads state",
  ConditionalExpression: "the conditional operator (?:) is not allowed: combine comparisons with && and ||",
  ArrowFunctionExpression: "functions are not allowed: a filter only reads state",
  FunctionExpression: "functions are not allowed: a filter only reads state",
  ClassExpression: "classes are not allowed: a filter only reads state",
  ArrayExpression: "array literals are not allowed: compare values one by one",
  ObjectExpression: "object literals are not allowed: compare fields one by one",
  SequenceExpression: "the comma operator is not allowed",
  RegExpLiteral: "regular expressions are not allowed",
  BigIntLiteral: "bigint literals are not allowed",
  AwaitExpression: "'await' is not allowed: a filter only reads state",
  YieldExpression: "'yield' is not allowed: a filter only reads state",
  MetaProperty: "meta properties are not allowed: name a module variable",
  Import: "'import' is not allowed: name a module variable",
};

export function parseFilter(source: string): FilterNode {
  if (source.trim() === "") throw new FilterError("the filter is empty", source, { start: 0, end: source.length });
  let root: t.Expression;
  try {
    root = parseExpression(source, { sourceType: "script", errorRecovery: false });
  } catch (err) {
    const e = err as { message?: string; pos?: number };
    const at = typeof e.pos === "number" ? e.pos : 0;
    const reason = String(e.message ?? err).replace(/\s*\(\d+:\d+\)$/, "");
    throw new FilterError(`syntax error: ${reason}`, source, { start: at, end: at + 1 });
  }
  return new FilterSyntax(source).convert(root);
}

class FilterSyntax {
  constructor(private readonly source: string) {}

  private fail(reason: string, span: Span): never {
    throw new FilterError(reason, this.source, span);
  }

  /** Babel's node as a filter node; throws at the first construct that is not allowed (outermost, then left to right). */
  convert(node: t.Node): FilterNode {
    const span = this.span(node);
    switch (node.type) {
      case "Identifier":
        return node.name === "undefined" ? { kind: "literal", value: undefined, span } : { kind: "name", name: node.name, span };
      case "NumericLiteral": return { kind: "literal", value: node.value, span };
      case "StringLiteral": return { kind: "literal", value: node.value, span };
      case "BooleanLiteral": return { kind: "literal", value: node.value, span };
      case "NullLiteral": return { kind: "literal", value: null, span };
      case "MemberExpression": {
        const object = this.convert(node.object);
        return { kind: "member", object, property: this.property(node), span, propertySpan: this.span(node.property) };
      }
      case "UnaryExpression":
        if (node.operator === "!") return { kind: "not", operand: this.convert(node.argument), span };
        if (node.operator === "-" && node.argument.type === "NumericLiteral") return { kind: "literal", value: -node.argument.value, span };
        return this.fail(node.operator === "-" || node.operator === "+"
          ? `unary '${node.operator}' is allowed only as the sign of a number literal`
          : `'${node.operator}' is not allowed: a filter only compares values`, span);
      case "LogicalExpression": {
        if (node.operator === "??") return this.fail("'??' is not allowed: use || or an explicit comparison with null", this.operatorSpan(node));
        const left = this.convert(node.left);
        return { kind: "logical", operator: node.operator, left, right: this.convert(node.right), span };
      }
      case "BinaryExpression": {
        if (!COMPARISONS.has(node.operator)) return this.fail(binaryReason(node.operator), this.operatorSpan(node));
        const left = this.convert(node.left);
        return {
          kind: "compare", operator: node.operator as ComparisonOperator, left, right: this.convert(node.right), span,
          operatorSpan: this.operatorSpan(node),
        };
      }
      default:
        return this.fail(FORBIDDEN[node.type] ?? `${node.type} is not allowed in a state filter`, span);
    }
  }

  private span(node: t.Node): Span {
    return { start: node.start ?? 0, end: node.end ?? this.source.length };
  }

  /** `.name`, `[0]` or `["key"]`. */
  private property(node: t.MemberExpression): string | number {
    const p = node.property;
    if (!node.computed) {
      if (p.type === "PrivateName") return this.fail("#private fields cannot be read by a filter", this.span(p));
      return (p as t.Identifier).name;
    }
    if (p.type === "StringLiteral") return p.value;
    if (p.type === "NumericLiteral" && Number.isSafeInteger(p.value) && p.value >= 0) return p.value;
    return this.fail("an index must be a literal: a non-negative integer or a string", this.span(p));
  }

  /** Where a binary operator is written: between its operands, past any closing parentheses. */
  private operatorSpan(node: t.BinaryExpression | t.LogicalExpression): Span {
    const start = this.source.indexOf(node.operator, node.left.end ?? 0);
    return { start, end: start + node.operator.length };
  }
}

function binaryReason(operator: string): string {
  if (operator === "in" || operator === "instanceof") return `'${operator}' is not allowed: a filter's names and fields are checked against the metadata`;
  if (["+", "-", "*", "/", "%", "**"].includes(operator)) return `arithmetic ('${operator}') is not allowed: compare each value on its own`;
  return `'${operator}' is not allowed: a filter only compares values`;
}
