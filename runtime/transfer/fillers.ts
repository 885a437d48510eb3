/**
 * Fillers: an object's fields converted by a function compiled (in the host realm) per
 * class, or per key order of a plain object. A loop over the fields loads and stores
 * each by a key that changes from one step to the next, through V8's slow megamorphic
 * keyed accesses; the compiled function names each field at its own site, which sees
 * one layout of old objects and one of new ones, so its loads and stores are the fast
 * monomorphic kind (and V8 may inline the walk's `convert` into it). Like Shapes, one is
 * compiled per key order met, so objects used as dictionaries with ever-different keys
 * each compile one.
 */
import type { BoundField, Conv } from "./conv.js";
import { fieldStep } from "./paths.js";

type Obj = Record<string | symbol, unknown>;

/** What a filler needs of the walk. */
export interface FillContext {
  convert(v: unknown, c: Conv): unknown;
  /** Whether `copy` is a `const`'s object filled in place: its fields the old type lacks keep their values. */
  filledInPlace(copy: object): boolean;
  /** The error to throw for a failure while filling `old` at `step`. */
  fail(e: unknown, old: object, step: string): Error;
}

/** Fills `copy` from `old`. */
export type Filler = (old: Obj, copy: Obj, w: FillContext) => void;

/**
 * The filler of a plain object with these keys in this order: each key's field
 * (`fields[i]`, null for an index key or a dropped one) is converted by its Conv under its
 * new name, an index key by `index` as it is; a field without a Conv, or a key neither a
 * field nor an index key, is dropped.
 */
export function keysFiller(keys: readonly string[], fields: ReadonlyArray<BoundField | null>, index: Conv | null): Filler {
  const code = new FillerCode();
  keys.forEach((key, i) => {
    const f = fields[i]!;
    const conv = f !== null ? f.conv : index;
    if (conv !== null) code.convert(f !== null ? f.name : key, key, conv);
  });
  return code.compile();
}

/** The filler of a class instance: every field of the new class, in its order (as its constructor would set them). */
export function fieldsFiller(fields: readonly BoundField[]): Filler {
  const code = new FillerCode();
  for (const f of fields) {
    switch (f.source) {
      case "old": case "opaque": code.convert(f.name, f.from, f.conv!); break;
      case "initializer": case "absent": code.initialize(f); break;
      default: break;
    }
  }
  return code.compile();
}

class FillerCode {
  private body = "";
  /** Per step (`i` in the code): its Conv or field, and the path step a failure in it is at. */
  private readonly args: Array<Conv | BoundField> = [];
  private readonly steps: string[] = [];
  /** Whether the code asks if the object is filled in place. */
  private fresh = false;

  /** `copy[to] = convert(old[from])`. */
  convert(to: string, from: string, conv: Conv): void {
    this.step(conv, from || to, `copy[${JSON.stringify(to)}] = w.convert(old[${JSON.stringify(from)}], args[i]);`);
  }

  /** A field the old type lacks: its initial value (undefined without an initializer), unless the object is filled in place. */
  initialize(f: BoundField): void {
    this.fresh = true;
    const value = f.source === "initializer" ? "args[i].initial(copy)" : "undefined";
    this.step(f, f.from || f.name, `if (fresh) copy[${JSON.stringify(f.name)}] = ${value};`);
  }

  compile(): Filler {
    const factory = new Function("args", "steps", `"use strict";
      return function fill(old, copy, w) {
        ${this.fresh ? "const fresh = !w.filledInPlace(copy);" : ""}
        // Which step is running, for a failure's path (a local's update costs next to nothing).
        let i = 0;
        try {
          ${this.body}
        } catch (e) {
          throw w.fail(e, old, steps[i]);
        }
      };`) as (args: Array<Conv | BoundField>, steps: string[]) => Filler;
    return factory(this.args, this.steps);
  }

  private step(arg: Conv | BoundField, name: string, statement: string): void {
    this.body += `i = ${this.steps.length}; ${statement}\n`;
    this.args.push(arg);
    this.steps.push(fieldStep(name));
  }
}
