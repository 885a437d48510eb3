/**
 * What a package suggests for applying it (recorded in the manifest; `proteos update`
 * and `service update --package` use it unless told otherwise):
 *
 * - groups: components that share a changed module (a message format in include/, a
 *   library) exchange messages in that format, so the old and new versions of the two
 *   must never talk: update them together, atomically;
 * - state: protocol-free for a program whose running (base) version's entry module
 *   exports `protocolFree()` (it can say when no multi-message exchange is half done),
 *   as the engine requires when it is asked for that state; else request-free;
 * - hold: in a group, messages from user processes are held while the group drains, so
 *   the servers finish what they are doing for each other without new work arriving.
 */
import type { BuildImage } from "../../instrumenter/build/image.js";
import { sourceModulePath } from "../../instrumenter/transform/index.js";
import { loadRealm } from "../load.js";
import type { PackageManifest } from "./format.js";

/** Fill in `manifest.groups` and each component's `state` and `hold`. */
export function suggest(manifest: PackageManifest, base: BuildImage, target: BuildImage): void {
  const b = base.manifest;
  const t = target.manifest;
  const changedModule = (mod: string) => b.modules[mod]?.codeHash !== t.modules[mod]!.codeHash;
  const changedTypes = (mod: string) => b.typeSources[mod] !== t.typeSources[mod];
  // Union-find over components, joined through each changed module they depend on.
  const parent = new Map(manifest.components.map((c) => [c.program, c.program]));
  const root = (p: string): string => {
    let r = p;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(p, r);
    return r;
  };
  const firstUser = new Map<string, string>();
  for (const c of manifest.components) {
    const entry = t.programs[c.program]!;
    const deps = [...entry.modules.filter(changedModule), ...entry.typeModules.filter(changedTypes)];
    // By source: a plain copy of a module carries the same message format as the module.
    for (const mod of deps.map(sourceModulePath)) {
      const other = firstUser.get(mod);
      if (other === undefined) firstUser.set(mod, c.program);
      else parent.set(root(c.program), root(other));
    }
  }
  const groups = new Map<string, string[]>();
  for (const c of manifest.components) {
    const r = root(c.program);
    groups.set(r, [...(groups.get(r) ?? []), c.program]);
  }
  manifest.groups = [...groups.values()].filter((g) => g.length > 1).map((g) => g.sort())
    .sort((x, y) => (x[0]! < y[0]! ? -1 : 1));
  const grouped = new Set(manifest.groups.flat());
  for (const c of manifest.components) {
    c.state = declaresProtocolFree(base, c.program) ? "protocol-free" : "request-free";
    c.hold = grouped.has(c.program) ? [{ from: "users" }] : [];
  }
}

/**
 * Whether the base version of `program` exports `protocolFree()` from its entry module:
 * the old version is the one asked, during the update, whether it is protocol-free
 * (runtime/update/engine.ts), so what the new version declares does not count. Read from
 * the entry module's exports, loaded in a realm of its own (metadata lists functions,
 * not what a module exports).
 */
function declaresProtocolFree(base: BuildImage, program: string): boolean {
  return typeof loadRealm(base, program).exports.protocolFree === "function";
}
