/**
 * What the state transfer tests share: building OS trees once, reading a realm's state,
 * a snapshot of a heap (to prove the old realm untouched) and a comparison of two heaps
 * across realms (to prove a transfer faithful). Both walk iteratively: the heaps are deep.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { types } from "node:util";
import type { BuildImage } from "../../../instrumenter/build/image.js";
import type { ProcessView } from "../../../runtime/process-view.js";
import { buildTree } from "../../support/versions.js";

/** Build an OS tree into a fresh temporary directory; `cleanup` removes them all. */
export function builder(prefix: string): { build(osRoot: string): BuildImage; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  let n = 0;
  return {
    build: (osRoot) => buildTree(osRoot, path.join(dir, String(n++))),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every variable of every module the realm registered, by qualified name. */
export function stateOf(view: ProcessView): Array<[string, unknown]> {
  const roots: Array<[string, unknown]> = [];
  for (const module of view.rt.modules()) {
    const get = view.rt.accessors(module)!.get;
    for (const name of Object.keys(get)) roots.push([`${module}#${name}`, get[name]!()]);
  }
  return roots;
}

/** The value of one variable. */
export function variable<T = unknown>(view: ProcessView, qualifiedName: string): T {
  const [module, name] = qualifiedName.split("#") as [string, string];
  return view.rt.accessors(module)!.get[name]!() as T;
}

/** Objects keep their number across snapshots: an object replaced by an equal one shows. */
const ids = new WeakMap<object, number>();
let nextId = 0;
const idOf = (o: object) => {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = nextId++));
  return id;
};

/**
 * Everything reachable from the roots, as plain data: per object its identity, its
 * prototype's identity, and its contents (own properties with their descriptors, tags,
 * entries, elements, bytes, time) with objects by identity.
 */
export function snapshot(roots: Array<[string, unknown]>): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<object>();
  const queue: object[] = [];
  const ref = (v: unknown): unknown => {
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "symbol") return v.toString();
    if ((typeof v !== "object" && typeof v !== "function") || v === null) return v;
    if (!seen.has(v)) {
      seen.add(v);
      queue.push(v);
    }
    return { ref: idOf(v) };
  };
  out.push(roots.map(([name, v]) => [name, ref(v)]));
  for (let head = 0; head < queue.length; head++) {
    const o = queue[head]!;
    const proto = Object.getPrototypeOf(o) as object | null;
    const node: Record<string, unknown> = { id: idOf(o), proto: proto === null ? null : idOf(proto) };
    if (typeof o === "function") {
      out.push(node);
      continue;
    }
    // Elements of arrays and typed arrays are recorded apart from the other properties (compactly).
    const isIndex = (k: string | symbol) => typeof k === "string" && /^(0|[1-9]\d*)$/.test(k);
    const indexed = Array.isArray(o) || ArrayBuffer.isView(o);
    const keys = indexed ? [...Object.getOwnPropertyNames(o).filter((k) => !isIndex(k)), ...Object.getOwnPropertySymbols(o)]
      : Reflect.ownKeys(o);
    node.props = keys.map((k) => {
      const d = Object.getOwnPropertyDescriptor(o, k)!;
      return [String(k), ref(d.value), typeof d.get, typeof d.set, d.writable, d.enumerable, d.configurable];
    });
    if (Array.isArray(o)) node.elements = Array.from({ length: o.length }, (_, i) => (i in o ? ref(o[i]) : "<hole>"));
    if (types.isMap(o)) node.entries = [...(o as Map<unknown, unknown>)].map(([k, v]) => [ref(k), ref(v)]);
    if (types.isSet(o)) node.members = [...(o as Set<unknown>)].map(ref);
    if (types.isDate(o)) node.time = (o as Date).getTime();
    if (ArrayBuffer.isView(o)) node.bytes = Buffer.from(o.buffer, o.byteOffset, o.byteLength).toString("base64");
    if (types.isArrayBuffer(o)) node.bytes = Buffer.from(o as ArrayBuffer).toString("base64");
    if (types.isRegExp(o)) node.regexp = String(o);
    out.push(node);
  }
  return out;
}

/**
 * Differences between an old heap and its copy in another realm, walking both together:
 * the copy must be one new object per old one (sharing and cycles alike), of the same
 * kind and the counterpart class, with equal contents, functions relocated to the same
 * identity, and every object belonging to the new realm.
 */
export function differences(from: ProcessView, to: ProcessView, roots: Array<[string, unknown, unknown]>): string[] {
  const problems: string[] = [];
  const forward = new Map<unknown, unknown>();
  const backward = new Map<unknown, unknown>();
  const stack: Array<[unknown, unknown, string]> = roots.map(([name, a, b]) => [a, b, name]);
  const ownedByNew = (o: object) => {
    let end: object = o;
    for (let p = Object.getPrototypeOf(o) as object | null; p !== null; p = Object.getPrototypeOf(p) as object | null) end = p;
    return end === to.intrinsics.Object.prototype || Object.getPrototypeOf(o) === null;
  };
  const classOf = (view: ProcessView, o: object) => {
    const proto = Object.getPrototypeOf(o) as { constructor?: unknown } | null;
    return proto !== null && Object.hasOwn(proto, "constructor") ? view.rt.functionId(proto.constructor) : undefined;
  };
  const TYPE = from.rt.TYPE;
  while (stack.length > 0 && problems.length < 20) {
    const [a, b, at] = stack.pop()!;
    if (typeof a !== typeof b) {
      problems.push(`${at}: ${typeof a} became ${typeof b}`);
      continue;
    }
    if (typeof a === "function") {
      const id = from.rt.functionId(a);
      if (id === undefined || to.rt.functionId(b) !== id || to.rt.functionById(id) !== b) problems.push(`${at}: function ${id} not relocated`);
      continue;
    }
    if (typeof a !== "object" || a === null || b === null) {
      if (!Object.is(a, b)) problems.push(`${at}: ${String(a)} became ${String(b)}`);
      continue;
    }
    const o = b as object;
    if (forward.has(a) || backward.has(o)) {
      if (forward.get(a) !== o || backward.get(o) !== a) problems.push(`${at}: sharing differs`);
      continue;
    }
    forward.set(a, o);
    backward.set(o, a);
    if (!ownedByNew(o)) problems.push(`${at}: not an object of the new realm`);
    if (from.rt.typeOf(a) !== to.rt.typeOf(o)) problems.push(`${at}: type ${from.rt.typeOf(a)} became ${to.rt.typeOf(o)}`);
    if (classOf(from, a) !== classOf(to, o)) problems.push(`${at}: class ${classOf(from, a)} became ${classOf(to, o)}`);
    const oa = a as Record<string | symbol, unknown>;
    const ob = o as Record<string | symbol, unknown>;
    if (oa[TYPE] !== ob[TYPE]) problems.push(`${at}: tag ${String(oa[TYPE])} became ${String(ob[TYPE])}`);
    if (types.isMap(a)) {
      const ea = [...(a as Map<unknown, unknown>)];
      const eb = types.isMap(o) ? [...(o as Map<unknown, unknown>)] : [];
      if (ea.length !== eb.length) problems.push(`${at}: ${ea.length} entries became ${eb.length}`);
      ea.forEach(([k, v], i) => stack.push([k, eb[i]?.[0], `${at}<key #${i}>`], [v, eb[i]?.[1], `${at}<value #${i}>`]));
    } else if (types.isSet(a)) {
      const ea = [...(a as Set<unknown>)];
      const eb = types.isSet(o) ? [...(o as Set<unknown>)] : [];
      if (ea.length !== eb.length) problems.push(`${at}: ${ea.length} elements became ${eb.length}`);
      ea.forEach((v, i) => stack.push([v, eb[i], `${at}<#${i}>`]));
    } else if (types.isDate(a)) {
      if (!types.isDate(o) || (a as Date).getTime() !== (o as Date).getTime()) problems.push(`${at}: date differs`);
    } else if (types.isRegExp(a)) {
      if (String(a) !== String(o)) problems.push(`${at}: ${String(a)} became ${String(o)}`);
    } else if (ArrayBuffer.isView(a) || types.isArrayBuffer(a)) {
      const bytes = (x: object) => (ArrayBuffer.isView(x) ? Buffer.from(x.buffer, x.byteOffset, x.byteLength) : Buffer.from(x as ArrayBuffer));
      if (ArrayBuffer.isView(a) !== ArrayBuffer.isView(o) || (ArrayBuffer.isView(a) && a.byteOffset !== (o as Uint8Array).byteOffset)
        || !bytes(a).equals(bytes(o))) problems.push(`${at}: bytes differ`);
      if (ArrayBuffer.isView(a)) stack.push([a.buffer, (o as Uint8Array).buffer, `${at}.buffer`]);
    } else {
      if (types.isNativeError(a)) {
        for (const k of ["message", "stack"]) if (oa[k] !== ob[k]) problems.push(`${at}.${k} differs`);
      }
      if (Array.isArray(a) !== Array.isArray(o) || (Array.isArray(a) && a.length !== (o as unknown[]).length)) {
        problems.push(`${at}: array shape differs`);
      }
      const ka = Object.keys(a);
      const kb = Object.keys(o);
      if (ka.join() !== kb.join()) problems.push(`${at}: keys ${ka.join()} became ${kb.join()}`);
      for (const k of ka) stack.push([oa[k], ob[k], `${at}.${k}`]);
    }
  }
  return problems;
}

/**
 * A small value of a realm as host values, to compare with `toEqual` (which tells realms
 * apart): arrays, Maps, Sets, Dates and objects (own enumerable string keys) rebuilt.
 */
export function host(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    value.forEach((v, i) => {
      out[i] = host(v);
    });
    return out;
  }
  if (types.isMap(value)) return new Map([...(value as Map<unknown, unknown>)].map(([k, v]) => [host(k), host(v)]));
  if (types.isSet(value)) return new Set([...(value as Set<unknown>)].map(host));
  if (types.isDate(value)) return new Date((value as Date).getTime());
  return Object.fromEntries(Object.keys(value).map((k) => [k, host((value as Record<string, unknown>)[k])]));
}
