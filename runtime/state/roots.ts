/**
 * The roots of a process's state: every module-level variable its metadata lists, read
 * live through the accessors instrumented code registered in `proteos:rt`. Walkers of
 * state start here, in metadata order (modules by path, variables in declaration order),
 * so two copies of a program are walked alike.
 */
import type { Variable } from "../../instrumenter/metadata/schema.js";
import type { ProcessView } from "../process-view.js";
import { type Path, variablePath } from "./path.js";
import { ownSlot } from "./values.js";
import { errorMessage } from "../error-message.js";

/**
 * A variable's current value, or why it cannot be read. `loaded` is false when its
 * module has not been loaded into the process (yet): it has no state to read.
 */
export type ReadResult = { ok: true; value: unknown } | { ok: false; loaded: boolean; problem: string };

export interface StateRoot {
  module: string;
  variable: Variable;
  path: Path;
}

export function stateRoots(view: ProcessView): StateRoot[] {
  const roots: StateRoot[] = [];
  for (const mod of view.metadata.modules) {
    for (const variable of mod.variables) roots.push({ module: mod.path, variable, path: variablePath(mod.path, variable.name) });
  }
  return roots;
}

/**
 * Read one variable. A class's static field ("Class.field") has no accessor: it is an
 * own property of the class, found through the class's function identity.
 */
export function readVariable(view: ProcessView, module: string, variable: Variable): ReadResult {
  if (variable.declaration === "classStatic") {
    const dot = variable.name.indexOf(".");
    const cls = view.rt.functionById(`${module}#${variable.name.slice(0, dot)}`);
    const slot = cls && ownSlot(cls, variable.name.slice(dot + 1));
    if (!cls) return { ok: false, loaded: false, problem: `module ${module} is not loaded (no class for ${variable.name})` };
    if (!slot) return { ok: false, loaded: true, problem: `${module}#${variable.name} is not a static field of its class` };
    if (slot.kind !== "value") return { ok: false, loaded: true, problem: `${module}#${variable.name} is an accessor` };
    return { ok: true, value: slot.value };
  }
  const accessors = view.rt.accessors(module);
  if (!accessors) return { ok: false, loaded: false, problem: `module ${module} is not loaded` };
  const get = accessors.get[variable.name];
  if (!get) return { ok: false, loaded: true, problem: `${module}#${variable.name} has no accessor (the build does not match the metadata)` };
  try {
    return { ok: true, value: get() };
  } catch (err) {
    // A `let` read before its declaration ran (the module's top level failed or has not finished).
    return { ok: false, loaded: true, problem: `${module}#${variable.name} cannot be read: ${errorMessage(err)}` };
  }
}
