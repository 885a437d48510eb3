/**
 * The canonical form of a process's state: a sequence of tokens that two copies of a
 * program produce alike exactly when their states are alike. The state hash feeds the
 * tokens to sha256; a snapshot keeps them with their paths to show where two states
 * part.
 *
 * Every module variable of the metadata, in metadata order, then its value, depth first
 * (an explicit stack: heaps are deep). An object is written out where it is first met
 * and numbered in that order; a later reference to it is written as that number, so
 * sharing and cycles are part of the form (one object reached twice differs from two
 * equal copies). Each token starts with a letter saying what it is; the program's own
 * text in it is length-prefixed (strings, property names) or JSON (an error's message),
 * and the rest are names with no newline in them (type ids, function identities), so
 * tokens written one a line never run into each other.
 *
 *   V<module>#<name>        a variable (`!<why, as JSON>` after it if it cannot be read)
 *   u z b0 b1 n<number> s<length>:<text> i<bigint> y<symbol>     primitives (n-0 for -0)
 *   f<function identity>    a function, by identity ("f" + "closure" when it has none)
 *   r<n>                    the n-th object met (from 0)
 *   o<kind>|<type>|<tag>|<prototype>|<count>   an object met for the first time, then
 *                           its `count` entries: `k<length>:<name>` and a value for each
 *                           property; each element of an array (`#<index>` before each
 *                           when it has holes); key then value of each Map entry; each
 *                           Set element. <type> is `rt.typeOf` (class or allocation
 *                           type), <tag> the raw allocation tag, <prototype> for plain
 *                           objects: Object, null, or the identity of its constructor;
 *                           for an array, its length
 *   a<get>|<set>            an accessor property (never called), by its functions' identities
 *   t<name>|<length>|<base64>  B<base64>  d<time>  x/<source>/<flags>  e[<name>, <message>]
 *                           typed array, ArrayBuffer, Date, RegExp, Error contents
 */
import type { ProcessView } from "../process-view.js";
import { isTransientField } from "./metadata.js";
import type { Path } from "./path.js";
import { readVariable, stateRoots } from "./roots.js";
import {
  bytesOf, edgesOf, kindOf, ownSlot, propertySlot, regexpText, runtimeTypeOf, sizeOf, type Slot, timeOf,
  typedArrayLengthOf, typedArrayNameOf, type ValueKind,
} from "./values.js";

export interface StreamOptions {
  /** Leave out @transient variables, and @transient fields of objects whose type the runtime knows. */
  skipTransient?: boolean;
}

/** Receives the tokens in order, each with the path of the value it belongs to. */
export type TokenSink = (token: string, path: Path) => void;

/** A value to write, preceded by its key token if it has one; also the path to the value. */
interface Work extends Path {
  key: string | undefined;
  slot: Slot;
}

export function streamState(view: ProcessView, sink: TokenSink, opts: StreamOptions = {}): void {
  new StateStream(view, sink, opts.skipTransient ?? false).run();
}

class StateStream {
  private readonly typeOf: (obj: object) => string | undefined;
  private readonly objectPrototype: object;
  /** Objects written so far, numbered in the order they were met. */
  private readonly indexOf = new Map<object, number>();
  private readonly stack: Work[] = [];
  /** Key tokens by property name: a million objects share a few field names. */
  private readonly keys = new Map<string, string>();

  constructor(private readonly view: ProcessView, private readonly sink: TokenSink, private readonly skipTransient: boolean) {
    this.typeOf = runtimeTypeOf(view.rt);
    this.objectPrototype = view.intrinsics.Object.prototype;
  }

  run(): void {
    for (const root of stateRoots(this.view)) {
      if (this.skipTransient && root.variable.annotations.transient) continue;
      this.sink(`V${root.module}#${root.variable.name}`, root.path);
      const read = readVariable(this.view, root.module, root.variable);
      if (!read.ok) {
        this.sink(`!${JSON.stringify(read.problem)}`, root.path);
        continue;
      }
      this.stack.push({ ...root.path, key: undefined, slot: { kind: "value", value: read.value } });
      while (this.stack.length > 0) {
        const work = this.stack.pop()!;
        if (work.key !== undefined) this.sink(work.key, work);
        if (work.slot.kind === "accessor") this.sink(`a${this.fnId(work.slot.get)}|${this.fnId(work.slot.set)}`, work);
        else this.visit(work.slot.value, work);
      }
    }
  }

  private fnId(fn: unknown): string {
    return fn === undefined ? "" : this.view.rt.functionId(fn) ?? "closure";
  }

  private keyToken(name: string): string {
    let token = this.keys.get(name);
    if (token === undefined) this.keys.set(name, token = `k${name.length}:${name}`);
    return token;
  }

  /** Write one value's tokens; push what it holds, its first entry on top. */
  private visit(value: unknown, path: Path): void {
    const kind = kindOf(value);
    switch (kind) {
      case "undefined": return this.sink("u", path);
      case "null": return this.sink("z", path);
      case "boolean": return this.sink(value ? "b1" : "b0", path);
      case "number": return this.sink(`n${Object.is(value, -0) ? "-0" : String(value)}`, path);
      case "string": return this.sink(`s${(value as string).length}:${value as string}`, path);
      case "bigint": return this.sink(`i${String(value)}`, path);
      case "symbol": {
        const key = Symbol.keyFor(value as symbol);
        return this.sink(`y${key !== undefined ? `for:${key}` : `unique:${(value as symbol).description ?? ""}`}`, path);
      }
      case "function": return this.sink(`f${this.fnId(value)}`, path);
    }
    const obj = value as object;
    const seen = this.indexOf.get(obj);
    if (seen !== undefined) return this.sink(`r${seen}`, path);
    this.indexOf.set(obj, this.indexOf.size);
    // Asking a Proxy anything runs its traps, i.e. the program's code.
    if (kind === "proxy") return this.sink("oproxy", path);
    const type = this.typeOf(obj);
    const tag = ownSlot(obj, this.view.rt.TYPE);
    const head = `o${kind}|${type ?? ""}|${tag?.kind === "value" ? String(tag.value) : ""}|`;
    let edges = edgesOf(obj, kind);
    if (this.skipTransient && (kind === "object" || kind === "error")) {
      edges = edges.filter((e) => !isTransientField(this.view.metadata, type, (e.step as { name: string }).name));
    }
    const base = this.stack.length;
    switch (kind) {
      case "object": case "error":
        this.sink(`${head}${this.prototypeText(obj)}|${edges.length}`, path);
        if (kind === "error") this.sink(errorText(obj), path);
        for (const { step, slot } of edges) this.stack.push({ parent: path, step, key: this.keyToken((step as { name: string }).name), slot });
        break;
      case "array": {
        const length = (obj as unknown[]).length;
        this.sink(`${head}${length}|${edges.length}`, path);
        const holes = edges.length !== length;
        for (const { step, slot } of edges) {
          this.stack.push({ parent: path, step, key: holes ? `#${(step as { index: number }).index}` : undefined, slot });
        }
        break;
      }
      case "map": case "set":
        this.sink(`${head}|${sizeOf(obj, kind)}`, path);
        for (const { step, slot } of edges) this.stack.push({ parent: path, step, key: undefined, slot });
        break;
      default:
        this.sink(`${head}|0`, path);
        this.sink(contentsText(obj, kind), path);
    }
    // Pushed in order: reverse them so that the first entry is written first.
    for (let i = base, j = this.stack.length - 1; i < j; i++, j--) {
      const t = this.stack[i]!;
      this.stack[i] = this.stack[j]!;
      this.stack[j] = t;
    }
  }

  /** For a plain object or error: Object, null, or the identity of its prototype's constructor. */
  private prototypeText(obj: object): string {
    const proto = Object.getPrototypeOf(obj) as object | null;
    if (proto === null) return "null";
    if (proto === this.objectPrototype) return "Object";
    if (kindOf(proto) === "proxy") return "proxy";
    const ctor = ownSlot(proto, "constructor");
    return ctor?.kind === "value" ? this.fnId(ctor.value) : "?";
  }
}

/** An Error's name and message (not own enumerable properties, so not among its entries); never its stack. */
function errorText(err: object): string {
  const name = propertySlot(err, "name");
  const message = ownSlot(err, "message");
  const text = (s: Slot | undefined) => (s?.kind === "value" ? String(s.value) : "");
  return `e${JSON.stringify([text(name), text(message)])}`;
}

/** The contents of a built-in that holds no values of the program. */
function contentsText(obj: object, kind: ValueKind): string {
  switch (kind) {
    case "typedArray":
      return `t${typedArrayNameOf(obj)}|${typedArrayLengthOf(obj)}|${bytesOf(obj, kind).toString("base64")}`;
    case "arrayBuffer": return `B${bytesOf(obj, kind).toString("base64")}`;
    case "date": return `d${timeOf(obj)}`;
    case "regexp": return `x${regexpText(obj)}`;
    // Promises and weak collections cannot be looked into.
    default: return `-${kind}`;
  }
}
