/**
 * proteos:rt, the runtime of instrumented code. Every instrumented module requires it
 * (`const __rt = require("proteos:rt")`), so each process loads one instance into its
 * own realm. It uses the realm's built-ins only, never a host object, and imports
 * nothing.
 *
 * A process loads hundreds of modules while it runs, and live update asks about them
 * rarely, so registering costs the least it can: the accessors are built when first
 * asked for, identities of declarations are read (and all indexed) at the first question
 * about them.
 *
 * Called by instrumented code (see instrumenter/README.md for what each pass emits):
 *   TYPE, tag(value, type)          allocation-site tags
 *   updatePoint(received)           an event loop waits at its update point
 *   promise(executor)               `new Promise(executor)` of the program: pending until settled
 *   registerState(module, () => ({ get, set }))
 *                                   accessors of a module's variables
 *   registerFunctions(module, () => declared, classes, initialized?)
 *                                   function identities of a module, by name
 *   registerFunction(module, name, fn, isClass?)
 *                                   one created inside a variable's initializer
 * Asked by the host-side live-update runtime:
 *   modules(), accessors(module), typeOf(value), functionId(fn), functionById(id),
 *   atUpdatePoint(), inFlight()
 */

/** The key of an allocation-site tag: the tagged object's type id (Symbol.for: the same in every realm). */
const typeKey = Symbol.for("proteos.type");
// Exported under another name so that tag() reads the local binding, not a property of `exports`.
export { typeKey as TYPE };

/** A module's variables, by name: a getter each, a setter each that can be assigned. */
export interface StateAccessors {
  get: Record<string, () => unknown>;
  set: Record<string, (value: unknown) => void>;
}

type AnyFunction = (...args: never[]) => unknown;

/** Module path -> its accessors, or what builds them; in load order. */
const stateOf = new Map<string, StateAccessors | (() => StateAccessors)>();
/** Registrations of function identities not indexed yet, in order: tables, or what reads them. */
const pending: Array<{ module: string; fns: Record<string, unknown> | (() => Record<string, unknown>); classes: readonly string[] }> = [];
/** Function identities both ways: function -> "module#name" (its first registration), and back. */
const idOfFunction = new Map<AnyFunction, string>();
const functionOfId = new Map<string, AnyFunction>();
/** Registered classes (constructors) -> their type id, "module#Class". */
const classOf = new Map<AnyFunction, string>();
/** Update points whose `receive` has not settled. */
let parked = 0;
/** Promises the program made (`new Promise`) that have not settled: someone may be waiting on each. */
let pendingPromises = 0;

// ---- called by instrumented code

/** Tag an array, Map or Set with the id of the type it is allocated as; returns it. */
export function tag<T extends object>(value: T, type: string): T {
  (value as Record<symbol, unknown>)[typeKey] = type;
  return value;
}

const unpark = (): void => {
  parked--;
};

/**
 * The event loop awaits `received` (the promise of its `receive`) at its update point:
 * parked until it settles. The settle reaction is registered before the loop's own
 * await, so it runs right before the loop resumes and adds no turn the loop waits for.
 */
export function updatePoint<T>(received: T): T {
  const then = (received as { then?: unknown } | null)?.then;
  if (typeof then === "function") {
    parked++;
    then.call(received, unpark, unpark);
  }
  return received;
}

/**
 * `new Promise(executor)` written in the program: the same promise, counted pending
 * until the program resolves or rejects it, or the executor throws. (Resolved with
 * another promise, what waits on it waits on that one: counted itself, or an operation
 * of the kernel.) Only the resolving functions the executor receives are wrapped: no
 * reaction is added to the promise, so a rejection nobody handles is still reported as
 * the process's crash.
 */
export function promise<T>(executor: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: unknown) => void) => void): Promise<T> {
  let open = true;
  pendingPromises++;
  const settled = (): void => {
    if (open) {
      open = false;
      pendingPromises--;
    }
  };
  return new Promise<T>((resolve, reject) => {
    try {
      executor((value) => {
        settled();
        resolve(value);
      }, (reason) => {
        settled();
        reject(reason);
      });
    } catch (err) {
      settled();
      throw err;
    }
  });
}

/** `accessors` builds the module's getters and setters (once, when asked for). */
export function registerState(module: string, accessors: () => StateAccessors): void {
  stateOf.set(module, accessors);
}

/**
 * A module's identities, by qualified name within the module: `declared` reads those of
 * its declarations (when first asked for), `initialized` holds those read from variables
 * at the end of its loading; `classes` names the classes among them.
 */
export function registerFunctions(module: string, declared: () => Record<string, unknown>, classes: readonly string[],
  initialized?: Record<string, unknown>): void {
  pending.push({ module, fns: declared, classes });
  if (initialized) pending.push({ module, fns: initialized, classes });
}

/** Register one function identity where it is created; returns it. */
export function registerFunction<T>(module: string, name: string, fn: T, isClass = false): T {
  pending.push({ module, fns: { [name]: fn }, classes: isClass ? [name] : [] });
  return fn;
}

/** Index the registrations made since the last question (a value that is not a function is no identity). */
function indexFunctions(): void {
  for (const { module, fns, classes } of pending.splice(0)) {
    const table = typeof fns === "function" ? fns() : fns;
    for (const name of Object.keys(table)) {
      const fn = table[name];
      if (typeof fn !== "function") continue;
      const id = `${module}#${name}`;
      const f = fn as AnyFunction;
      if (!idOfFunction.has(f)) idOfFunction.set(f, id);
      functionOfId.set(id, f);
      if (classes.includes(name)) classOf.set(f, id);
    }
  }
}

// ---- asked by the live-update runtime

/** Paths of the modules loaded, in load order. */
export function modules(): string[] {
  return [...stateOf.keys()];
}

/** The accessors of a module's variables. */
export function accessors(module: string): StateAccessors | undefined {
  let state = stateOf.get(module);
  if (typeof state === "function") stateOf.set(module, state = state());
  return state;
}

/**
 * The type id an object was allocated as: for an instance of a registered class, the
 * class's id (a tag Object.assign copied onto it says nothing about it); else its own
 * tag. Undefined for anything else.
 */
export function typeOf(value: unknown): string | undefined {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return undefined;
  indexFunctions();
  const proto: unknown = Object.getPrototypeOf(value);
  const cls = typeof proto === "object" && proto !== null && Object.hasOwn(proto, "constructor")
    ? classOf.get((proto as { constructor: AnyFunction }).constructor) : undefined;
  return cls ?? (Object.hasOwn(value, typeKey) ? (value as Record<symbol, string>)[typeKey] : undefined);
}

/** "module#name" of a registered function, or undefined (a closure, a built-in). */
export function functionId(fn: unknown): string | undefined {
  indexFunctions();
  return typeof fn === "function" ? idOfFunction.get(fn as AnyFunction) : undefined;
}

export function functionById(id: string): AnyFunction | undefined {
  indexFunctions();
  return functionOfId.get(id);
}

/** Parked at an update point: waiting for the next message at the head of an event loop. */
export function atUpdatePoint(): boolean {
  return parked > 0;
}

/**
 * Promises the program made that are still pending: code waiting on one resumes only
 * when the program settles it. What the process waits on from the kernel (replies,
 * sends) the kernel knows; with none of either and parked at its update point, no
 * request is half handled (runtime/update/in-flight.ts).
 */
export function inFlight(): number {
  return pendingPromises;
}
