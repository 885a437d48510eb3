/**
 * Checking the fields of a user request. Anything malformed is answered with an
 * errno (thrown as SysError) before VFS acts on it.
 */
import { EINVAL, ENAMETOOLONG, ENOENT } from "../../include/errno.js";
import { type Message } from "../../include/ipc.js";
import { PATH_MAX } from "../../include/vfs.js";
import { SysError } from "../../lib/errors.js";

/** Field `name` as an integer in [min, max]; EINVAL otherwise. */
export function intArg(m: Message, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = m[name];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new SysError(EINVAL, "vfs", `bad ${name}`);
  }
  return v;
}

/** Field `name` as a path: a non-empty string of at most PATH_MAX characters, with no NUL in it. */
export function pathArg(m: Message, name = "path"): string {
  const v = m[name];
  if (typeof v !== "string" || v.includes("\0")) throw new SysError(EINVAL, "vfs", `bad ${name}`);
  if (v.length === 0) throw new SysError(ENOENT, "vfs");
  if (v.length > PATH_MAX) throw new SysError(ENAMETOOLONG, "vfs");
  return v;
}
