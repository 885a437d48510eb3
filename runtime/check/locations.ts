/**
 * Abstract locations of a process's state, where likely invariants are learned and
 * checked: a variable path with the elements of every collection merged, e.g.
 *
 *   servers/vfs/state.ts#vfs.vnodes[].refCount     every vnode's refCount
 *   servers/vfs/state.ts#vfs.vnodes[key]           every key of that Map
 *   servers/mfs/state.ts#cache.bufs.length         the length of the array (a pseudo field;
 *                                                  `.size` of a Map or Set)
 *
 * Recursive structures fold: an object whose type (its class or allocation tag, as the
 * runtime knows it) was already entered on the way to this location continues at the
 * location where that type was entered, so `timers.head.next.next…` is all
 * `timers.head`, and `procs.byPid[].parent` continues at `procs.byPid[]`. The value is
 * still observed where it was found (`timers.head.next` sees a Timer or null) before
 * the walk continues at the folded location. Untyped objects do not fold; a location
 * deeper than MAX_DEPTH steps is not walked into, which bounds the walk when untyped
 * objects form a cycle.
 *
 * The walk is iterative and visits each object once per location. @transient
 * variables, and @transient fields of objects whose type the runtime knows, are left
 * out: a new version's initializer sets them, they are never transferred.
 */
import type { ProcessView } from "../process-view.js";
import { isTransientField } from "../state/metadata.js";
import { childPath, fieldStep, fieldStepOf, type Path, type Step } from "../state/path.js";
import { readVariable, stateRoots } from "../state/roots.js";
import { edgesOf, isObjectLike, kindOf, runtimeTypeOf, sizeOf, typedArrayLengthOf } from "../state/values.js";

/** Locations deeper than this (in steps below the variable) are not walked into. */
export const MAX_DEPTH = 24;

class Location {
  private readonly children = new Map<string, Location>();
  private readonly inside = new Map<string, Location>();

  /** `entered`: type id -> the location where an object of that type was entered on the way here. */
  constructor(readonly text: string, readonly depth: number, readonly entered: ReadonlyMap<string, Location>) {}

  child(suffix: string): Location {
    let c = this.children.get(suffix);
    if (!c) this.children.set(suffix, c = new Location(this.text + suffix, this.depth + 1, this.entered));
    return c;
  }

  /** Where the walk continues inside an object of `type` found here (one Location per type, so visits are remembered). */
  enter(type: string | undefined): Location {
    if (type === undefined) return this;
    const folded = this.entered.get(type);
    if (folded) return folded;
    let here = this.inside.get(type);
    if (!here) {
      const entered = new Map(this.entered);
      here = new Location(this.text, this.depth, entered);
      entered.set(type, here);
      this.inside.set(type, here);
    }
    return here;
  }
}

/** Receives every value met: its abstract location, its concrete path (formatted only when reported) and the value. */
export type LocationVisitor = (location: string, path: Path, value: unknown) => void;

/** A value to visit; also the path to it. */
interface Frame extends Path {
  value: unknown;
  location: Location;
}

/** The suffix an edge adds to a location: elements and entries of collections merge. */
function locationStep(step: Step): string {
  switch (step.kind) {
    case "field": return fieldStep(step.name);
    case "mapKey": return "[key]";
    default: return "[]";
  }
}

export function walkLocations(view: ProcessView, visit: LocationVisitor): void {
  const { metadata } = view;
  const typeOf = runtimeTypeOf(view.rt);
  /** Locations each object has been walked at (one, or a set for an object met at several). */
  const walked = new Map<object, Location | Set<Location>>();
  const stack: Frame[] = [];

  for (const root of stateRoots(view)) {
    if (root.variable.annotations.transient) continue;
    const read = readVariable(view, root.module, root.variable);
    if (!read.ok) continue;
    stack.push({ ...root.path, value: read.value, location: new Location(`${root.module}#${root.variable.name}`, 0, new Map()) });
    while (stack.length > 0) {
      const frame = stack.pop()!;
      const { value, location } = frame;
      visit(location.text, frame, value);
      if (!isObjectLike(value) || location.depth >= MAX_DEPTH) continue;
      const kind = kindOf(value);
      if (kind === "array" || kind === "typedArray" || kind === "map" || kind === "set") {
        const size = kind === "array" ? (value as unknown[]).length : kind === "typedArray" ? typedArrayLengthOf(value) : sizeOf(value, kind);
        const name = kind === "map" || kind === "set" ? "size" : "length";
        visit(location.child(`.${name}`).text, childPath(frame, fieldStepOf(name)), size);
      }
      const type = typeOf(value);
      const inside = location.enter(type);
      const seen = walked.get(value);
      if (seen === inside || (seen instanceof Set && seen.has(inside))) continue;
      if (seen === undefined) walked.set(value, inside);
      else if (seen instanceof Set) seen.add(inside);
      else walked.set(value, new Set([seen, inside]));
      const edges = edgesOf(value, kind);
      for (let i = edges.length - 1; i >= 0; i--) {
        const { step, slot } = edges[i]!;
        if (slot.kind !== "value") continue;
        if (step.kind === "field" && isTransientField(metadata, type, step.name)) continue;
        stack.push({ parent: frame, step, value: slot.value, location: inside.child(locationStep(step)) });
      }
    }
  }
}
