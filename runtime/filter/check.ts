/**
 * Checking a parsed filter against the program's metadata, when the filter is requested:
 *
 *   - a name is a module variable of the program: one whose name is unique across its
 *     modules, or else the one in (or below) the entry module's folder; anything else is
 *     an error naming the candidates. `Class.field` names a class's static field;
 *   - a field exists on the static type (of a union: on some member; a Map or Set has
 *     `.size`, an array, typed array or string `.length`);
 *   - the two sides of a comparison can be equal (`==`, `!=`, …: their types share a
 *     value; a literal is one of the values an enum or literal union allows) or ordered
 *     (`<`, …: both numbers or both strings);
 *   - what `!`, `&&`, `||` and the whole filter test is a boolean, or an object that may be
 *     null or undefined (a presence test): a number or string must be compared explicitly.
 */
import * as path from "node:path";
import type { Metadata, Variable } from "../../instrumenter/metadata/schema.js";
import { FilterError, type Span } from "./error.js";
import type { ComparisonOperator, FilterNode } from "./syntax.js";
import {
  BOOLEAN, type Domain, hasDomain, literalType, lookupMember, NUMBER, type StaticType, typeOfId, union,
} from "./types.js";

/** A module variable a filter reads. */
export interface VariableRef {
  module: string;
  variable: Variable;
}

/** A filter with its names resolved: what evaluation runs. */
export type CheckedNode =
  | { kind: "variable"; ref: VariableRef; span: Span }
  | { kind: "member"; object: CheckedNode; property: string | number; span: Span }
  | { kind: "literal"; value: string | number | boolean | null | undefined; span: Span }
  | { kind: "not"; operand: CheckedNode; span: Span }
  | { kind: "logical"; operator: "&&" | "||"; left: CheckedNode; right: CheckedNode; span: Span }
  | { kind: "compare"; operator: ComparisonOperator; left: CheckedNode; right: CheckedNode; span: Span };

interface Typed {
  node: CheckedNode;
  type: StaticType;
}

export function checkFilter(root: FilterNode, source: string, metadata: Metadata): { root: CheckedNode; reads: VariableRef[] } {
  const checker = new FilterChecker(source, metadata);
  const top = checker.check(root);
  checker.requireTest(root, top.type);
  return { root: top.node, reads: checker.reads };
}

class FilterChecker {
  readonly reads: VariableRef[] = [];
  /** Every module variable by name. */
  private readonly byName = new Map<string, VariableRef[]>();

  constructor(private readonly source: string, private readonly metadata: Metadata) {
    for (const mod of metadata.modules) {
      for (const variable of mod.variables) {
        const list = this.byName.get(variable.name) ?? [];
        list.push({ module: mod.path, variable });
        this.byName.set(variable.name, list);
      }
    }
  }

  private fail(reason: string, span: Span): never {
    throw new FilterError(reason, this.source, span);
  }

  private text(node: { span: Span }): string {
    return this.source.slice(node.span.start, node.span.end);
  }

  check(node: FilterNode): Typed {
    switch (node.kind) {
      case "name": return this.variable(this.resolve(node.name, node.span), node.span);
      case "literal": return { node, type: literalType(node.value) };
      case "member": {
        // `Class.field`: a static field is a variable of its own.
        if (node.object.kind === "name" && !this.byName.has(node.object.name) && typeof node.property === "string") {
          const name = `${node.object.name}.${node.property}`;
          if (this.byName.has(name)) return this.variable(this.resolve(name, node.span), node.span);
        }
        return this.member(node);
      }
      case "not": {
        const operand = this.check(node.operand);
        this.requireTest(node.operand, operand.type);
        return { node: { kind: "not", operand: operand.node, span: node.span }, type: BOOLEAN };
      }
      case "logical": {
        const left = this.check(node.left);
        this.requireTest(node.left, left.type);
        const right = this.check(node.right);
        this.requireTest(node.right, right.type);
        return { node: { kind: "logical", operator: node.operator, left: left.node, right: right.node, span: node.span }, type: BOOLEAN };
      }
      case "compare": {
        const left = this.check(node.left);
        const right = this.check(node.right);
        this.requireComparable(node, left, right);
        return {
          node: { kind: "compare", operator: node.operator, left: left.node, right: right.node, span: node.span },
          type: BOOLEAN,
        };
      }
    }
  }

  private variable(ref: VariableRef, span: Span): Typed {
    if (!this.reads.includes(ref)) this.reads.push(ref);
    return { node: { kind: "variable", ref, span }, type: typeOfId(this.metadata, ref.variable.type) };
  }

  /** The variable a name stands for. */
  private resolve(name: string, span: Span): VariableRef {
    const candidates = this.byName.get(name) ?? [];
    if (candidates.length === 1) return candidates[0]!;
    if (candidates.length === 0) {
      const near = closest(name, [...this.byName.keys()]);
      this.fail(`'${name}' is not a variable of ${this.metadata.program}${near ? ` (did you mean '${near}'?)` : ""}`, span);
    }
    const folder = path.posix.dirname(this.metadata.entryModule);
    const own = candidates.filter((c) => folder === "." || c.module.startsWith(`${folder}/`));
    if (own.length === 1) return own[0]!;
    const names = candidates.map((c) => `${c.module}#${name}`).join(", ");
    const where = folder === "." ? "the OS root" : folder;
    return this.fail(`'${name}' is ambiguous: it names ${names}, and ${own.length === 0 ? "none" : "more than one"} of them is in ${where}, the entry module's folder`, span);
  }

  private member(node: Extract<FilterNode, { kind: "member" }>): Typed {
    const object = this.check(node.object);
    const property = node.property;
    const label = typeof property === "number" ? `index ${property}` : `'${property}'`;
    const present = object.type.members.filter((m) => m.domain !== "null" && m.domain !== "undefined");
    if (present.length === 0) this.fail(`${this.text(node.object)} is always ${object.type.text}: it has no ${label}`, node.propertySpan);
    const found: StaticType[] = [];
    const candidates = new Set<string>();
    let reason: string | undefined;
    for (const m of present) {
      if (m.domain === "any") {
        found.push({ members: [{ domain: "any" }], text: "any" });
      } else if (m.domain === "string") {
        if (property === "length") found.push(NUMBER);
        else candidates.add("length");
      } else if (m.domain === "object") {
        const lookup = lookupMember(this.metadata, m, property);
        if (lookup.ok) found.push(lookup.type);
        else {
          lookup.candidates.forEach((c) => candidates.add(c));
          reason ??= lookup.reason;
        }
      }
    }
    if (found.length === 0) {
      const near = typeof property === "string" ? closest(property, [...candidates]) : undefined;
      this.fail(reason ?? `${label} is not a field of ${this.text(node.object)} (${object.type.text})${near ? ` (did you mean '${near}'?)` : ""}`,
        node.propertySpan);
    }
    const text = [...new Set(found.map((t) => t.text))].join(" | ");
    return { node: { kind: "member", object: object.node, property, span: node.span }, type: union(found, text) };
  }

  /** What `!`, `&&`, `||` or the whole filter tests must be a boolean or a presence. */
  requireTest(node: FilterNode, type: StaticType): void {
    if (hasDomain(type, "any")) return;
    const valued = type.members.find((m) => m.domain === "number" || m.domain === "string" || m.domain === "bigint");
    if (!valued) return;
    const example = valued.domain === "string" ? ` (e.g. '${this.text(node)} != ""')` : valued.domain === "number" ? ` (e.g. '${this.text(node)} != 0')` : "";
    const declared = type.text === valued.domain ? "" : ` (${type.text})`;
    this.fail(`${this.text(node)} is a ${valued.domain}${declared}: compare it explicitly${example}; a test of truth takes a boolean or an object that may be absent`,
      node.span);
  }

  private requireComparable(node: Extract<FilterNode, { kind: "compare" }>, left: Typed, right: Typed): void {
    if (hasDomain(left.type, "any") || hasDomain(right.type, "any")) return;
    const describe = (side: FilterNode, t: StaticType) => (side.kind === "literal" ? this.text(side) : `${this.text(side)} (${t.text})`);
    const op = node.operator;
    if (op === "<" || op === "<=" || op === ">" || op === ">=") {
      const numeric = (t: StaticType) => hasDomain(t, "number", "bigint");
      const textual = (t: StaticType) => hasDomain(t, "string");
      if ((numeric(left.type) && numeric(right.type)) || (textual(left.type) && textual(right.type))) return;
      this.fail(`'${op}' orders two numbers or two strings: ${describe(node.left, left.type)} and ${describe(node.right, right.type)} are not`,
        node.operatorSpan);
    }
    // `==` and `!=` take null and undefined for each other, and a bigint for the number it equals.
    const loose = op === "==" || op === "!=";
    const LOOSE: Partial<Record<Domain, Domain>> = { undefined: "null", bigint: "number" };
    const domains = (t: StaticType) => new Set(t.members.map((m): Domain => (loose ? LOOSE[m.domain] ?? m.domain : m.domain)));
    const l = domains(left.type);
    const r = domains(right.type);
    if (![...l].some((d) => r.has(d))) {
      this.fail(`${describe(node.left, left.type)} and ${describe(node.right, right.type)} can never be equal`, node.operatorSpan);
    }
    this.requireKnownValue(node.left, node.right, right.type);
    this.requireKnownValue(node.right, node.left, left.type);
  }

  /** A literal compared with an enum or a literal union must be one of its values. */
  private requireKnownValue(literal: FilterNode, other: FilterNode, otherType: StaticType): void {
    if (literal.kind !== "literal" || literal.value === null || literal.value === undefined) return;
    const same = otherType.members.filter((m) => m.domain === typeof literal.value);
    if (same.length === 0 || same.some((m) => m.values === undefined || m.values.has(literal.value))) return;
    const allowed = same.flatMap((m) => [...m.values!].map((v) => JSON.stringify(v))).join(" | ");
    this.fail(`${this.text(literal)} is never a value of ${this.text(other)} (${allowed})`, literal.span);
  }
}

/** The candidate nearest to a misspelt name, if one is near enough to be what was meant. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
