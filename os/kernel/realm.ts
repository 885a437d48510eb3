import * as vm from "node:vm";
import type { ImageSource } from "./image.js";

/**
 * A realm is a process's address space: a `vm` context with its own globals and
 * built-ins. The host never hands a realm one of its own objects (that would leak
 * the host's Function constructor and with it everything); it passes primitives and
 * objects built by the realm's own bootstrap functions.
 */

/** The host entry point the bootstrap closes over. It must never throw or return a host object. */
export type HostTrap = (op: number, a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown,
  g?: unknown) => unknown;

/** Functions compiled inside the realm, for the host's use only. */
export interface RealmOps {
  object(): Record<string, unknown>;
  array(): unknown[];
  /** Call fn(argv); report a number or undefined via done, a failure description via fail. */
  run(fn: unknown, argv: unknown[], done: (code: number) => void, fail: (why: string) => void): void;
  /** Queue the process's signal handler for `sig`. */
  signal(sig: number): void;
  /** A realm `require` for module `from`; the host answers with exports or an error text. */
  makeRequire(from: string): unknown;
  /** The realm's own Promise.prototype, to tell which realm a stray rejection came from. */
  promiseProto: object;
}

const BOOTSTRAP = `(function (hostTrap, seed) {
  "use strict";
  let a = 0x9e3779b9 | 0, b = 0x243f6a88 | 0, c = 0xb7e15162 | 0, d = seed | 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11); c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  Object.defineProperty(Math, "random", { value: next, writable: false, configurable: false });
  // The wall clock would make runs differ: a process's Date reads virtual time (1 tick = 1 ms).
  const RealDate = Date;
  const EPOCH = RealDate.UTC(2026, 0, 1);
  const vnow = () => EPOCH + Math.max(0, Number(hostTrap(14)) || 0);
  class VirtualDate extends RealDate {
    constructor(...args) { if (args.length === 0) super(vnow()); else super(...args); }
    static now() { return vnow(); }
  }
  Object.defineProperty(globalThis, "Date", { value: VirtualDate, writable: false, configurable: false });
  // V8 gives every context a console that writes to the inspector; a process prints through its TTY.
  delete globalThis.console;
  let signalHandler = null;
  const trap = (op, x, y, z, u, v, w, t) => hostTrap(op, x, y, z, u, v, w, t);
  Object.defineProperty(globalThis, "__proteos", {
    value: Object.freeze({ trap, onSignal(fn) { signalHandler = typeof fn === "function" ? fn : null; } }),
    writable: false, configurable: false, enumerable: false,
  });
  const P = Promise;
  const resolved = P.resolve();
  const describe = (e) => {
    try { return String((e && e.stack) || e); } catch { return "unprintable error"; }
  };
  return Object.freeze({
    object: () => ({}),
    array: () => [],
    promiseProto: P.prototype,
    run(fn, argv, done, fail) {
      let p;
      try { p = fn(argv); } catch (e) { fail(describe(e)); return; }
      P.resolve(p).then((v) => done(typeof v === "number" ? v : 0), (e) => fail(describe(e)));
    },
    signal(sig) { resolved.then(() => { if (signalHandler) signalHandler(sig); }); },
    makeRequire: (from) => (spec) => {
      const r = hostTrap(13, spec, from);
      if (typeof r === "string") throw new Error(r);
      return r;
    },
  });
})`;

/** Compiled scripts are shared by every realm that runs the same module. */
const scriptCache = new WeakMap<ImageSource, Map<string, vm.Script>>();
let bootstrapScript: vm.Script | undefined;

export class Realm {
  readonly context: vm.Context;
  readonly ops: RealmOps;
  /** Loaded modules of this realm: path -> the realm's `module` object. */
  private modules = new Map<string, { exports: unknown }>();

  constructor(readonly image: ImageSource, hostTrap: HostTrap, seed: number, readonly name: string) {
    // A contextified host object would put the host's Object.prototype behind the realm's
    // global object (globalThis.constructor.constructor is then the host's Function): none.
    this.context = vm.createContext(Object.create(null), { name, codeGeneration: { strings: true, wasm: false } });
    bootstrapScript ??= new vm.Script(BOOTSTRAP, { filename: "proteos:bootstrap" });
    const boot = bootstrapScript.runInContext(this.context) as (t: HostTrap, s: number) => RealmOps;
    this.ops = boot(hostTrap, seed);
  }

  /** Load (once) and return the exports of the module at `path`. Throws a host error on failure. */
  require(path: string): unknown {
    const cached = this.modules.get(path);
    if (cached) return cached.exports;
    const module = this.ops.object() as { exports: unknown };
    module.exports = this.ops.object();
    this.modules.set(path, module);
    try {
      const fn = this.compile(path).runInContext(this.context) as (e: unknown, r: unknown, m: unknown) => void;
      fn(module.exports, this.ops.makeRequire(path), module);
    } catch (e) {
      this.modules.delete(path);
      throw e;
    }
    return module.exports;
  }

  /** Whether the module at `path` has been loaded into this realm. */
  loaded(path: string): boolean {
    return this.modules.has(path);
  }

  /** The realm's global object: its built-ins, for code that builds values belonging to it. */
  global(): object {
    return vm.runInContext("globalThis", this.context) as object;
  }

  /** Resolve an import made inside the realm; undefined if the module may not be loaded. */
  resolve(from: string, spec: string): string | undefined {
    return this.image.resolve(from, spec);
  }

  private compile(path: string): vm.Script {
    let cache = scriptCache.get(this.image);
    if (!cache) scriptCache.set(this.image, (cache = new Map()));
    let script = cache.get(path);
    if (!script) {
      const mod = this.image.load(path);
      script = new vm.Script(`(function (exports, require, module) {${mod.code}\n})`, { filename: mod.filename });
      cache.set(path, script);
    }
    return script;
  }
}
