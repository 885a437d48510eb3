/**
 * Evaluating a checked filter on a live process: the tree compiled once into host-side
 * closures that read state through the process's accessors. Nothing of the program
 * runs (fields are read through their descriptors, `.size` by the host's own Map and
 * Set getters) and nothing is coerced through the program's code: `==` between an
 * object and anything else is identity, `<` orders only two numbers or two strings.
 *
 * What the metadata promised can still fail at run time (a field read of null, a value
 * that is not what its type says): that is a fault, which makes the filter false.
 */
import type { ProcessView } from "../process-view.js";
import { readVariable } from "../state/roots.js";
import { kindOf, propertySlot, sizeOf, typedArrayLengthOf } from "../state/values.js";
import type { Span } from "./error.js";
import type { CheckedNode } from "./check.js";

/** A run-time failure of a filter, where it happened. */
export class Fault {
  constructor(readonly reason: string, readonly span: Span) {}
}

export type Evaluator = (view: ProcessView) => unknown;

/** `source` is the filter's text, for naming the part of it a fault is about. */
export function compileNode(node: CheckedNode, source: string): Evaluator {
  switch (node.kind) {
    case "literal": {
      const value = node.value;
      return () => value;
    }
    case "variable": {
      const { module, variable } = node.ref;
      return (view) => {
        const read = readVariable(view, module, variable);
        if (!read.ok) throw new Fault(read.problem, node.span);
        return read.value;
      };
    }
    case "member": {
      const object = compileNode(node.object, source);
      const objectText = source.slice(node.object.span.start, node.object.span.end);
      return (view) => readMember(object(view), node, objectText);
    }
    case "not": {
      const operand = compileNode(node.operand, source);
      return (view) => !operand(view);
    }
    case "logical": {
      const left = compileNode(node.left, source);
      const right = compileNode(node.right, source);
      return node.operator === "&&"
        ? (view) => Boolean(left(view)) && Boolean(right(view))
        : (view) => Boolean(left(view)) || Boolean(right(view));
    }
    case "compare": {
      const left = compileNode(node.left, source);
      const right = compileNode(node.right, source);
      const compare = COMPARE[node.operator];
      return (view) => {
        const a = left(view);
        const b = right(view);
        const result = compare(a, b);
        if (result === undefined) throw new Fault(`cannot order ${kindOf(a)} and ${kindOf(b)} with '${node.operator}'`, node.span);
        return result;
      };
    }
  }
}

const isPrimitive = (v: unknown) => v === null || (typeof v !== "object" && typeof v !== "function");
const orderable = (a: unknown, b: unknown) =>
  (typeof a === "string" && typeof b === "string")
  || ((typeof a === "number" || typeof a === "bigint") && (typeof b === "number" || typeof b === "bigint"));

/** Each operator without coercion through objects; undefined when `<` and the like cannot order the two. */
const COMPARE: Record<string, (a: unknown, b: unknown) => boolean | undefined> = {
  "==": (a, b) => (isPrimitive(a) && isPrimitive(b) ? a == b : a === b),
  "!=": (a, b) => !(isPrimitive(a) && isPrimitive(b) ? a == b : a === b),
  "===": (a, b) => a === b,
  "!==": (a, b) => a !== b,
  "<": (a, b) => (orderable(a, b) ? (a as number) < (b as number) : undefined),
  "<=": (a, b) => (orderable(a, b) ? (a as number) <= (b as number) : undefined),
  ">": (a, b) => (orderable(a, b) ? (a as number) > (b as number) : undefined),
  ">=": (a, b) => (orderable(a, b) ? (a as number) >= (b as number) : undefined),
};

/** `.name` or `[index]` of a value of the process. */
function readMember(value: unknown, node: Extract<CheckedNode, { kind: "member" }>, objectText: string): unknown {
  const { property, span } = node;
  const kind = kindOf(value);
  const label = typeof property === "number" ? `[${property}]` : `'${property}'`;
  switch (kind) {
    case "null": case "undefined":
      throw new Fault(`${objectText} is ${kind}: cannot read its ${label}`, node.object.span);
    case "string":
      if (property === "length") return (value as string).length;
      break;
    case "map": case "set":
      if (property === "size") return sizeOf(value as object, kind);
      break;
    case "typedArray":
      if (property === "length") return typedArrayLengthOf(value as object);
      break;
    case "proxy":
      throw new Fault(`cannot read ${label} of a Proxy`, span);
  }
  if (typeof value !== "object" && typeof value !== "function") throw new Fault(`cannot read ${label} of a ${kind}`, span);
  const slot = propertySlot(value as object, property);
  if (slot?.kind === "accessor") throw new Fault(`${label} is an accessor: a filter does not run the program's code`, span);
  return slot?.value;
}
