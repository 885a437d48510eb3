/**
 * The caller's grant (field `grant` of a data request), through which its buffer
 * is read or written by whoever does the transfer: VFS passes it on, or checks it.
 */
import { EFAULT } from "../../include/errno.js";
import { type Message } from "../../include/ipc.js";
import { SysError } from "../../lib/errors.js";
import { grantIndirect, revoke, safecopy } from "../../lib/ipc.js";
import { intArg } from "./args.js";

/**
 * Run `fn` with the caller's grant passed on to `to`, which copies the data itself;
 * the passed grant is revoked afterwards. A grant that is not the caller's to VFS
 * is refused with EFAULT.
 */
export async function withUserGrant<T>(m: Message, to: number, fn: (grant: number) => Promise<T>): Promise<T> {
  const id = grantIndirect(to, m.source!, intArg(m, "grant"));
  if (id < 0) throw new SysError(EFAULT, "vfs", "bad grant");
  try {
    return await fn(id);
  } finally {
    revoke(id);
  }
}

const NOTHING = new Uint8Array(0);

/**
 * EFAULT unless the caller's grant covers `count` bytes with `access` (GRANT_WRITE
 * to fill it, GRANT_READ to take from it), for a transfer that moves no data.
 */
export function checkUserGrant(m: Message, count: number, access: number): void {
  // An empty copy at the end of the range: the kernel checks the access and the bounds, and moves nothing.
  if (safecopy(m.source!, intArg(m, "grant"), count, NOTHING, 0, 0, access) < 0) {
    throw new SysError(EFAULT, "vfs", "bad grant");
  }
}
