/**
 * A package's transformers, as code: each component's hand-written transformers are a
 * CommonJS module (compiled from the new tree's update/<program>.ts by `proteos diff`)
 * whose default export is a `Transformers` object. They run in a realm of their own with
 * nothing in scope: no host objects, no `require` (a transformer may import only types),
 * only the helpers the transfer hands them.
 */
import * as vm from "node:vm";
import type { Transformers } from "../transfer/transformers.js";
import { errorMessage } from "../error-message.js";
import { PackageError } from "./format.js";

/** Evaluate transformer module `code`; throws PackageError naming `source` if it is not one. */
export function loadTransformers(code: string, source: string): Transformers {
  const context = vm.createContext({});
  const module = { exports: {} as Record<string, unknown> };
  const require = (spec: string) => {
    throw new Error(`transformers may import only types (\`import type\`), not "${spec}"`);
  };
  try {
    const factory = vm.runInContext(`(function (exports, require, module) {\n${code}\n})`, context, { filename: source }) as
      (e: unknown, r: unknown, m: unknown) => void;
    factory(module.exports, require, module);
  } catch (err) {
    throw new PackageError(`${source}: the transformers do not load: ${errorMessage(err)}`);
  }
  const value = (module.exports.default ?? module.exports) as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    if (key !== "types" && key !== "variables") throw new PackageError(`${source}: unknown key "${key}" (a Transformers object has types and variables)`);
    const table = value[key];
    if (typeof table !== "object" || table === null) throw new PackageError(`${source}: ${key} must be an object of functions`);
    for (const [name, fn] of Object.entries(table)) {
      if (typeof fn !== "function") throw new PackageError(`${source}: ${key}["${name}"] is not a function`);
    }
  }
  return value as Transformers;
}
