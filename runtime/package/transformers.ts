/**
 * A package's transformers, as code: each component's hand-written transformers are a
 * CommonJS module (compiled from the new tree's update/<program>.ts by `proteos diff`)
 * whose default export is a `Transformers` object.
 *
 * They come in a package, so they are not trusted with the host: they run in a realm of
 * their own (no eval, no host objects, no `require`: a transformer may import only
 * types), and no host object or function ever reaches that realm. Its global object has
 * no host prototype (a host one would lead to the host's Function constructor, and with
 * it to everything); the helpers a transformer gets are built in its realm and reach the
 * host through one function it cannot see (closed over by the realm's own bootstrap
 * code), which takes and returns only primitives and values of the processes' realms;
 * errors cross as messages. What a transformer can touch is what the old and new
 * versions of its program can: their realms.
 */
import * as vm from "node:vm";
import type { TransformHelpers, Transformers, TypeTransformer } from "../transfer/transformers.js";
import { errorMessage } from "../error-message.js";
import { PackageError } from "./format.js";

/** The helpers' methods, as the realm's helpers object forwards them to the host. */
const HELPER_METHODS = ["transfer", "fields", "object", "array", "map", "set", "date", "bigint", "typedArray"] as const;
type HelperMethod = (typeof HELPER_METHODS)[number];

/** Where a forwarded call's outcome is written: a null-prototype object of the realm. */
interface Outcome { value?: unknown; failed?: boolean; message?: string }
type Bridge = (invocation: number, method: HelperMethod, args: unknown[], out: Outcome) => void;

interface SandboxOps {
  module: { exports: Record<string, unknown> };
  require: (spec: string) => never;
  object: () => Record<string, unknown>;
  /** Call transformer `fn` with `old` and the realm's helpers for host invocation `invocation`. */
  invoke: (fn: unknown, old: unknown, invocation: number, transformer: string, oldType: string | null, newType: string) => unknown;
}

/** Runs first in the realm: takes the intrinsics it needs before any package code can change them. */
const BOOTSTRAP = `(function (bridge, methods) {
  "use strict";
  const Err = Error, create = Object.create, freeze = Object.freeze, apply = Reflect.apply;
  const call = (invocation, method, args) => {
    const out = create(null);
    bridge(invocation, method, args, out);
    if (out.failed) throw new Err(out.message);
    return out.value;
  };
  const helpers = (invocation, transformer, oldType, newType) => {
    const h = create(null);
    h.transformer = transformer; h.oldType = oldType; h.newType = newType;
    for (let i = 0; i < methods.length; i++) {
      const method = methods[i];
      h[method] = (...args) => call(invocation, method, args);
    }
    return freeze(h);
  };
  const module = { exports: {} };
  return freeze({
    module,
    require(spec) { throw new Err("transformers may import only types (\`import type\`), not \\"" + String(spec) + "\\""); },
    object() { return {}; },
    invoke(fn, old, invocation, transformer, oldType, newType) {
      return apply(fn, undefined, [old, helpers(invocation, transformer, oldType, newType)]);
    },
  });
})`;

/** Evaluate transformer module `code` in a realm of its own; throws PackageError naming `source` if it is not one. */
export function loadTransformers(code: string, source: string): Transformers {
  const context = vm.createContext(Object.create(null), { name: source, codeGeneration: { strings: false, wasm: false } });
  /** Host helpers of the transformer calls in progress (they nest: a transformer's h.transfer may call another). */
  const active = new Map<number, { helpers: TransformHelpers; error: unknown }>();
  let nextInvocation = 1;
  const bridge: Bridge = (invocation, method, args, out) => {
    const call = active.get(invocation);
    try {
      if (!call) throw new Error(`h.${method}: the transformer has returned; its helpers are gone`);
      // apply() reads the realm's array by index: no iterator of the realm runs here.
      const value = Reflect.apply(call.helpers[method] as (...xs: unknown[]) => unknown, call.helpers, args);
      out.value = method === "fields" ? copyInto(ops.object(), value as Record<string, unknown>) : value;
    } catch (err) {
      if (call) call.error = err;
      out.failed = true;
      out.message = errorMessage(err);
    }
  };
  const ops = (vm.runInContext(BOOTSTRAP, context, { filename: "proteos:transformers" }) as
    (b: Bridge, m: readonly string[]) => SandboxOps)(bridge, vm.runInContext(JSON.stringify(HELPER_METHODS), context) as string[]);
  try {
    const factory = vm.runInContext(`(function (exports, require, module) {\n${code}\n})`, context, { filename: source }) as
      (e: unknown, r: unknown, m: unknown) => void;
    factory(ops.module.exports, ops.require, ops.module);
  } catch (err) {
    throw new PackageError(`${source}: the transformers do not load: ${errorMessage(err)}`);
  }
  // In the host, each transformer is a function that calls the realm's with the realm's helpers.
  const wrap = (fn: unknown): TypeTransformer => (old, h) => {
    const invocation = nextInvocation++;
    const call = { helpers: h, error: undefined as unknown };
    active.set(invocation, call);
    try {
      return ops.invoke(fn, old, invocation, h.transformer, h.oldType, h.newType);
    } catch (err) {
      // A helper's own error (a TransferError saying what is wrong and where) wins over its message.
      throw call.error ?? err;
    } finally {
      active.delete(invocation);
    }
  };
  const exported = ops.module.exports;
  const value = (Object.hasOwn(exported, "default") ? exported.default : exported) as Record<string, unknown>;
  if (typeof value !== "object" || value === null) throw new PackageError(`${source}: the default export is not a Transformers object`);
  const out: { types?: Record<string, TypeTransformer>; variables?: Record<string, TypeTransformer> } = {};
  for (const key of Object.keys(value)) {
    if (key !== "types" && key !== "variables") throw new PackageError(`${source}: unknown key "${key}" (a Transformers object has types and variables)`);
    const table = value[key];
    if (typeof table !== "object" || table === null) throw new PackageError(`${source}: ${key} must be an object of functions`);
    const wrapped: Record<string, TypeTransformer> = {};
    for (const [name, fn] of Object.entries(table)) {
      if (typeof fn !== "function") throw new PackageError(`${source}: ${key}["${name}"] is not a function`);
      wrapped[name] = wrap(fn);
    }
    out[key] = wrapped;
  }
  return out;
}

/** `from`'s own enumerable fields copied onto `into` (an object of the transformers' realm). */
function copyInto(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(from)) into[key] = from[key];
  return into;
}
