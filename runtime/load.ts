/**
 * A program's modules loaded into a realm of their own, outside any running system:
 * what tools and tests transfer state between (the running system's realms come from
 * the kernel). Module top levels run; the program's entry function does not.
 */
import { TRAP } from "../os/include/ipc.js";
import { EINVAL } from "../os/include/errno.js";
import type { ImageSource } from "../os/kernel/image.js";
import { Realm, type HostTrap } from "../os/kernel/realm.js";
import { type ProcessView, viewOf } from "./process-view.js";
import { errorMessage } from "./error-message.js";
import type { VersionedImage } from "./update/versions.js";

/**
 * Load `program` from any instrumented image (a build, a package). Throws what its
 * loading throws: a syntax error, a module that cannot be found, a top level that throws.
 */
export function loadProgram(image: VersionedImage, program: string, seed = 1): ProcessView {
  const { realm, entry } = loadRealm(image, program, seed);
  return viewOf(program, realm, image.metadata(program), entry);
}

/**
 * Load `program` into a realm, as loadProgram does, but make no view of its state: a
 * user program built plain has none. Returns the realm and the entry's exports.
 */
export function loadRealm(image: ImageSource, program: string, seed = 1): { realm: Realm; entry: string; exports: Record<string, unknown> } {
  const entry = image.program(program);
  if (!entry) throw new Error(`no program "${program}" in the ${image.kind} image`);
  let realm: Realm | undefined = undefined;
  const trap: HostTrap = (op, a, b) => {
    if (op === TRAP.TIME) return 0;
    if (op !== TRAP.REQUIRE || typeof a !== "string" || typeof b !== "string") return -EINVAL;
    const path = realm!.resolve(b, a);
    if (!path) return `cannot load module '${a}' from '${b}'`;
    try {
      return realm!.require(path);
    } catch (err) {
      return `loading '${path}' failed: ${errorMessage(err)}`;
    }
  };
  realm = new Realm(image, trap, seed, `${program}:standalone`);
  return { realm, entry, exports: realm.require(entry) as Record<string, unknown> };
}
