/**
 * What PM tells VFS about processes (VFS_PM in vfs.ts): a fork copies the parent's
 * descriptor table and working directory, an exit closes everything, a shutdown
 * writes the file system back.
 */
import { EEXIST, ESRCH, OK } from "../../include/errno.js";
import { type Message } from "../../include/ipc.js";
import { SysError } from "../../lib/errors.js";
import { intArg } from "./args.js";
import { cancelDeviceReads } from "./device.js";
import { releaseFilp } from "./filp.js";
import { unmountRoot } from "./mount.js";
import { FProc, vfs } from "./state.js";
import { dupVnode, putVnode } from "./vnode.js";

/** FORK {parent, child}: the child shares the parent's open files (and so their offsets). */
export async function pmFork(m: Message): Promise<Message> {
  const parent = vfs.procs.get(intArg(m, "parent"));
  const childEp = intArg(m, "child");
  if (!vfs.root) return { type: OK }; // no file system: nothing to share
  if (!parent) throw new SysError(ESRCH, "fork");
  if (vfs.procs.has(childEp)) throw new SysError(EEXIST, "fork");
  const child = new FProc(childEp, dupVnode(parent.cwd), parent.cwdPath);
  parent.fds.forEach((f, fd) => {
    if (!f) return;
    f.refCount++;
    child.fds[fd] = f;
  });
  vfs.procs.set(childEp, child);
  return { type: OK };
}

/** EXIT {endpoint}: close the process's files, give up its working directory, cancel its device reads. */
export async function pmExit(m: Message): Promise<Message> {
  const ep = intArg(m, "endpoint");
  const fp = vfs.procs.get(ep);
  if (!fp) return { type: OK };
  vfs.procs.delete(ep);
  fp.exited = true;
  cancelDeviceReads(fp);
  if (!vfs.root) return { type: OK }; // unmounted: the references went with it
  for (let fd = 0; fd < fp.fds.length; fd++) {
    const f = fp.fds[fd];
    fp.fds[fd] = null;
    if (f) void releaseFilp(f);
  }
  putVnode(fp.cwd);
  return { type: OK };
}

/** SHUTDOWN: write everything back and unmount the root. */
export async function pmShutdown(): Promise<Message> {
  await unmountRoot();
  return { type: OK };
}
