/**
 * The open-file table and descriptor tables: making, sharing and releasing filps.
 */
import { EBADF, EMFILE, ESRCH } from "../../include/errno.js";
import { isChr } from "../../include/fsproto.js";
import { type Message } from "../../include/ipc.js";
import { OPEN_MAX } from "../../include/vfs.js";
import { SysError } from "../../lib/errors.js";
import { diag } from "../../lib/diag.js";
import { deviceClose } from "./device.js";
import { FProc, Filp, Vnode, vfs } from "./state.js";
import { putVnode } from "./vnode.js";

/** A new open file on `vp`, taking over the caller's reference to it (open checked NR_FILPS). */
export function newFilp(vp: Vnode, flags: number): Filp {
  const f = new Filp(vp, flags);
  vfs.filps.add(f);
  return f;
}

/** One user fewer of `f`; the last one closes it (and the device behind it). Never fails. */
export async function releaseFilp(f: Filp): Promise<void> {
  if (--f.refCount > 0) return;
  vfs.filps.delete(f);
  const vp = f.vnode;
  putVnode(vp);
  if (!isChr(vp.mode)) return;
  try {
    await deviceClose(vp);
  } catch (e) {
    diag(`closing device ${vp.rdev}: ${String(e)}`);
  }
}

/** The lowest free descriptor of `fp`, or -1. */
export function freeFd(fp: FProc): number {
  return fp.fds.indexOf(null);
}

/**
 * Give `f` (with the reference the caller holds) the lowest free descriptor. If
 * there is none, or the process exited meanwhile, `f` is released and the call fails.
 */
export async function installFd(fp: FProc, f: Filp): Promise<number> {
  const fd = freeFd(fp);
  if (fd < 0 || fp.exited) {
    await releaseFilp(f);
    throw new SysError(fp.exited ? ESRCH : EMFILE, "vfs");
  }
  fp.fds[fd] = f;
  return fd;
}

/** The open file behind the descriptor in field `name` of `m`; EBADF if it is not one. */
export function filpArg(fp: FProc, m: Message, name = "fd"): Filp {
  const fd = m[name];
  const f = typeof fd === "number" && Number.isInteger(fd) && fd >= 0 && fd < OPEN_MAX ? fp.fds[fd] : null;
  if (!f) throw new SysError(EBADF, "vfs");
  return f;
}

/** Run `fn` on the open file behind `m.fd`, keeping it open even if the descriptor is closed meanwhile. */
export async function withFilp<T>(fp: FProc, m: Message, fn: (f: Filp) => Promise<T>): Promise<T> {
  const f = filpArg(fp, m);
  f.refCount++;
  try {
    return await fn(f);
  } finally {
    await releaseFilp(f);
  }
}
