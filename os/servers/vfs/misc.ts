/**
 * Duplicating descriptors and flushing the file system (MINIX's misc.c).
 */
import { EBADF, EMFILE, OK } from "../../include/errno.js";
import { REQ } from "../../include/fsproto.js";
import { type Message } from "../../include/ipc.js";
import { OPEN_MAX } from "../../include/vfs.js";
import { SysError } from "../../lib/errors.js";
import { filpArg, freeFd, releaseFilp } from "./filp.js";
import { fsRequest } from "./request.js";
import { FProc } from "./state.js";

/** dup(fd) -> {fd}: the lowest free descriptor, sharing the open file (and its offset). */
export async function doDup(fp: FProc, m: Message): Promise<Message> {
  const filp = filpArg(fp, m);
  const fd = freeFd(fp);
  if (fd < 0) throw new SysError(EMFILE, "dup");
  filp.refCount++;
  fp.fds[fd] = filp;
  return { type: OK, fd };
}

/** dup2(fd, fd2) -> {fd2}: fd2 shares fd's open file; whatever fd2 had open is closed first. */
export async function doDup2(fp: FProc, m: Message): Promise<Message> {
  const filp = filpArg(fp, m);
  const fd2 = m.fd2;
  if (typeof fd2 !== "number" || !Number.isInteger(fd2) || fd2 < 0 || fd2 >= OPEN_MAX) throw new SysError(EBADF, "dup2");
  if (m.fd === fd2) return { type: OK, fd: fd2 };
  const old = fp.fds[fd2];
  filp.refCount++;
  fp.fds[fd2] = filp;
  if (old) await releaseFilp(old);
  return { type: OK, fd: fd2 };
}

/** sync(): write back all dirty blocks and inodes. */
export async function doSync(): Promise<Message> {
  await fsRequest({ type: REQ.SYNC });
  return { type: OK };
}
