/**
 * What MFS does with each message: requests from VFS (the only client it serves)
 * go to their handlers; notifications are RS's heartbeat or the write-back alarm.
 * Whatever a handler throws becomes an error reply: a bad request never stops the
 * server.
 */
import { RS_PROC_NR, VFS_PROC_NR } from "../../include/com.js";
import { EINVAL, EIO, ENOSYS, EPERM, OK } from "../../include/errno.js";
import { REQ } from "../../include/fsproto.js";
import { CLOCK, NOTIFY_MESSAGE, type Message } from "../../include/ipc.js";
import { diag } from "../../lib/diag.js";
import { notify, reply } from "../../lib/ipc.js";
import { doGetdents, doLookup } from "./dir.js";
import { FsError } from "./error.js";
import { doPutnode } from "./putnode.js";
import { doLink, doRename, doRmdir, doUnlink } from "./link.js";
import { doCreate, doMkdir, doMknod } from "./open.js";
import { doRead } from "./read.js";
import type { Reply } from "./request.js";
import { doStat } from "./stat.js";
import { server, vol } from "./state.js";
import { doReadSuper, doUnmount } from "./super.js";
import { doSync, syncAll } from "./sync.js";
import { doTrunc, doWrite } from "./write.js";

type Handler = (m: Message) => Promise<Reply>;

const handlers: ReadonlyMap<number, Handler> = new Map<number, Handler>([
  [REQ.READSUPER, doReadSuper],
  [REQ.UNMOUNT, doUnmount],
  [REQ.LOOKUP, doLookup],
  [REQ.CREATE, doCreate],
  [REQ.MKDIR, doMkdir],
  [REQ.MKNOD, doMknod],
  [REQ.UNLINK, doUnlink],
  [REQ.RMDIR, doRmdir],
  [REQ.RENAME, doRename],
  [REQ.READ, doRead],
  [REQ.WRITE, doWrite],
  [REQ.TRUNC, doTrunc],
  [REQ.STAT, doStat],
  [REQ.GETDENTS, doGetdents],
  [REQ.PUTNODE, doPutnode],
  [REQ.SYNC, doSync],
  [REQ.LINK, doLink],
]);

export async function dispatch(m: Message): Promise<void> {
  if (m.type === NOTIFY_MESSAGE && m.callId === undefined) return notification(m);
  if (m.source !== VFS_PROC_NR) {
    reply(m, { type: -EPERM });
    return;
  }
  const handler = handlers.get(m.type);
  if (!handler) {
    reply(m, { type: -ENOSYS });
    return;
  }
  if (!vol.mounted && m.type !== REQ.READSUPER) {
    reply(m, { type: -EINVAL, why: "no file system is mounted" });
    return;
  }
  try {
    reply(m, { type: OK, ...(await handler(m)) });
  } catch (e) {
    if (e instanceof FsError) {
      reply(m, e.why ? { type: -e.errno, why: e.why } : { type: -e.errno });
    } else {
      diag(`mfs: request ${m.type} failed: ${describe(e)}`);
      reply(m, { type: -EIO, why: "internal error" });
    }
  }
}

async function notification(m: Message): Promise<void> {
  if (m.source === RS_PROC_NR) {
    notify(RS_PROC_NR);
  } else if (m.source === CLOCK) {
    server.syncAlarmSet = false;
    if (!vol.mounted) return;
    try {
      await syncAll();
    } catch (e) {
      diag(`mfs: write-back failed: ${describe(e)}`);
    }
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
