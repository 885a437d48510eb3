/**
 * Where a value sits in a process's state: a chain of steps from a module variable,
 * printed the way the value would be written in TypeScript where that is possible:
 *
 *   servers/vfs/state.ts#vfs.vnodes[3].size      field, Map value by key, field
 *   servers/pm/state.ts#timers.head.next          fields
 *   servers/mfs/state.ts#cache.bufs[12].data      array index
 *   servers/vfs/state.ts#vfs.filps<2>.pos         the 3rd element of a Set (in iteration order)
 *   main.ts#owners<key 0>.name                    the key of the 1st entry of a Map
 *   main.ts#owners[<key 0>]                       the value of that entry, when the key is an object
 *   servers/mfs/state.ts#cache.front.next×12.data the 13th buffer of a linked list (a step repeated
 *                                                 three times or more is written once, with its count)
 *
 * Paths are built for every value a walker visits but only formatted when reported,
 * so a step is a small record and a path a linked list from the leaf to its root.
 */

export type Step =
  | { kind: "variable"; module: string; name: string }
  | { kind: "field"; name: string }
  | { kind: "index"; index: number }
  | { kind: "mapKey"; entry: number }
  | { kind: "mapValue"; entry: number; key: unknown }
  | { kind: "setElement"; entry: number };

export interface Path {
  readonly parent: Path | null;
  readonly step: Step;
}

export function variablePath(module: string, name: string): Path {
  return { parent: null, step: { kind: "variable", module, name } };
}

export function childPath(parent: Path, step: Step): Path {
  return { parent, step };
}

/** Steps are immutable, and a heap of a million objects has a few field names: one step per name. */
const fieldSteps = new Map<string, Step>();

export function fieldStepOf(name: string): Step {
  let step = fieldSteps.get(name);
  if (!step) fieldSteps.set(name, step = { kind: "field", name });
  return step;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `.name`, or `["odd key"]` for a name that is not an identifier. */
export function fieldStep(name: string): string {
  return IDENTIFIER.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

/** A Map key as it would be written in an index: numbers and strings as literals, objects by entry. */
function keyText(key: unknown, entry: number): string {
  switch (typeof key) {
    case "number": return Object.is(key, -0) ? "-0" : String(key);
    case "string": return JSON.stringify(key);
    case "boolean": return String(key);
    case "bigint": return `${key}n`;
    case "undefined": return "undefined";
    default: return key === null ? "null" : `<key ${entry}>`;
  }
}

function stepText(step: Step): string {
  switch (step.kind) {
    case "variable": return `${step.module}#${step.name}`;
    case "field": return fieldStep(step.name);
    case "index": return `[${step.index}]`;
    case "mapKey": return `<key ${step.entry}>`;
    case "mapValue": return `[${keyText(step.key, step.entry)}]`;
    case "setElement": return `<${step.entry}>`;
  }
}

/** The path as text; a step repeated three times or more in a row is written once with its count: `.prev×150`. */
export function formatPath(path: Path): string {
  const parts: string[] = [];
  for (let p: Path | null = path; p; p = p.parent) parts.push(stepText(p.step));
  parts.reverse();
  let out = "";
  for (let i = 0; i < parts.length;) {
    let run = 1;
    while (parts[i + run] === parts[i]) run++;
    out += run >= 3 ? `${parts[i]}×${run}` : parts[i]!.repeat(run);
    i += run;
  }
  return out;
}
