/**
 * What VFS promises about its own state, for live update to check on a new version's
 * copy before it takes over (a server's main module exports `checkInvariants` and
 * `protocolFree`). Checked where no request is in progress, so every reference count
 * is made of table entries only.
 */
import { type Filp, vfs } from "./state.js";

/** Every broken promise, in words; none when the state is sound. */
export function checkInvariants(): string[] {
  const problems: string[] = [];
  const fdsOf = new Map<Filp, number>();
  for (const [endpoint, fp] of vfs.procs) {
    if (fp.endpoint !== endpoint) problems.push(`process ${endpoint} is filed under endpoint ${fp.endpoint}`);
    for (const filp of fp.fds) {
      if (!filp) continue;
      if (!vfs.filps.has(filp)) problems.push(`a descriptor of process ${endpoint} names a file not in the open-file table`);
      fdsOf.set(filp, (fdsOf.get(filp) ?? 0) + 1);
    }
  }
  for (const filp of vfs.filps) {
    const fds = fdsOf.get(filp) ?? 0;
    if (filp.refCount !== fds) problems.push(`open file of inode ${filp.vnode.ino} counts ${filp.refCount} users, ${fds} descriptors name it`);
    if (vfs.vnodes.get(filp.vnode.ino) !== filp.vnode) problems.push(`open file of inode ${filp.vnode.ino}: its vnode is not in the table`);
  }
  for (const [ino, vn] of vfs.vnodes) {
    if (vn.ino !== ino) problems.push(`vnode ${vn.ino} is filed under inode ${ino}`);
    if (vn.refCount < 1) problems.push(`vnode ${ino} is in the table with ${vn.refCount} users`);
  }
  return problems;
}

/** No device read half done (a console read waits for a reply message from its driver). */
export function protocolFree(): boolean {
  for (const fp of vfs.procs.values()) if (fp.deviceReads.size > 0) return false;
  return true;
}
