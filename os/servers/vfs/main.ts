/**
 * VFS, the virtual file system server: every file call of every process comes
 * here. It keeps the descriptor tables, open files and vnodes, resolves paths, and
 * passes the work on to the file system server (MFS) or a device driver.
 *
 * Requests are served concurrently: the loop starts a handler for each and goes
 * straight back to receive, so a console read waiting for input, or a request
 * waiting on the disk, holds up no one else. Locks in the vnodes and open files
 * keep interleaved handlers correct.
 */
import { EIO, ENOSYS, EPERM, ESRCH } from "../../include/errno.js";
import { NOTIFY_MESSAGE, type Message } from "../../include/ipc.js";
import { PM_PROC_NR, RS_PROC_NR } from "../../include/com.js";
import { SysError } from "../../lib/errors.js";
import { diag } from "../../lib/diag.js";
import { notify, receive, reply, startMode } from "../../lib/ipc.js";
import { mountRoot } from "./mount.js";
import { vfs } from "./state.js";
import { pmCalls, userCalls } from "./table.js";

/** Live update: the checks of a new version's state, and VFS's protocol-free state. */
export { checkInvariants, protocolFree } from "./invariants.js";

export async function main(): Promise<void> {
  if (startMode() !== "update") await mountRoot();
  for (;;) {
    const m = await receive();
    if (m.type === NOTIFY_MESSAGE) {
      if (m.source === RS_PROC_NR) notify(RS_PROC_NR); // heartbeat: still alive
      continue;
    }
    void handle(m);
  }
}

/** Serve one request and answer it. A failure is the caller's errno; VFS itself carries on. */
async function handle(m: Message): Promise<void> {
  let answer: Message;
  try {
    answer = await serve(m);
  } catch (e) {
    if (e instanceof SysError) {
      answer = { type: -e.errno };
    } else {
      diag(`request ${m.type} from ${m.source} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      answer = { type: -EIO };
    }
  }
  reply(m, answer); // the caller may have died meanwhile: nothing to do then
}

function serve(m: Message): Promise<Message> {
  const pmCall = pmCalls.get(m.type);
  if (pmCall) {
    if (m.source !== PM_PROC_NR) throw new SysError(EPERM, "vfs");
    return pmCall(m);
  }
  const userCall = userCalls.get(m.type);
  if (!userCall) throw new SysError(ENOSYS, "vfs");
  if (!vfs.root) throw new SysError(EIO, "vfs", "no root file system");
  const fp = vfs.procs.get(m.source!);
  if (!fp) throw new SysError(ESRCH, "vfs");
  return userCall(fp, m);
}
