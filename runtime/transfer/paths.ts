/**
 * Paths into the old state, for error messages: `servers/vfs/state.ts#vfs.vnodes[12].filps`.
 * The walk does not keep the path of every object it copies (that would cost a string
 * per object); when it fails, the path of the object it was filling is found again by a
 * breadth-first search from the roots, which gives the shortest one.
 *
 * Steps: `.field` (`["odd key"]`), `[3]` an array element, `[12]` / `["k"]` a Map value
 * under a primitive key, `<key #2>` / `<value #2>` the key / value of a Map's third
 * entry when the key is an object, `<#2>` a Set's third element.
 */
import { types } from "node:util";

export function fieldStep(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

export function elementStep(index: number): string {
  return `[${index}]`;
}

export function entryStep(key: unknown, entry: number, ofKey: boolean): string {
  if (ofKey) return `<key #${entry}>`;
  if (typeof key === "object" && key !== null) return `<value #${entry}>`;
  return `[${typeof key === "string" ? JSON.stringify(key) : String(key)}]`;
}

export function setStep(entry: number): string {
  return `<#${entry}>`;
}

/** The path of `target` from the roots (name, value), or null if it is not reachable. Reads only. */
export function findPath(roots: ReadonlyArray<readonly [string, unknown]>, target: object): string | null {
  const parent = new Map<object, { from: object | null; step: string }>();
  const queue: object[] = [];
  const visit = (value: unknown, from: object | null, step: string) => {
    if (typeof value !== "object" || value === null || parent.has(value)) return;
    parent.set(value, { from, step });
    queue.push(value);
  };
  for (const [name, value] of roots) visit(value, null, name);
  for (let head = 0; head < queue.length && !parent.has(target); head++) {
    const o = queue[head]!;
    if (types.isMap(o)) {
      let i = 0;
      Map.prototype.forEach.call(o, (v: unknown, k: unknown) => {
        visit(k, o, entryStep(k, i, true));
        visit(v, o, entryStep(k, i, false));
        i++;
      });
    } else if (types.isSet(o)) {
      let i = 0;
      Set.prototype.forEach.call(o, (v: unknown) => visit(v, o, setStep(i++)));
    } else if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) visit(o[i], o, elementStep(i));
    } else if (!ArrayBuffer.isView(o) && !types.isAnyArrayBuffer(o)) {
      for (const key of Object.keys(o)) visit((o as Record<string, unknown>)[key], o, fieldStep(key));
      if (types.isNativeError(o)) visit((o as { cause?: unknown }).cause, o, ".cause");
    }
  }
  if (!parent.has(target)) return null;
  const steps: string[] = [];
  for (let at: object | null = target; at !== null; at = parent.get(at)!.from) steps.push(parent.get(at)!.step);
  return steps.reverse().join("");
}
