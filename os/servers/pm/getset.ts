/** getpid, getppid, getuid and setuid. The user id is the kernel's record of the process (SYS.SETUID). */
import { EINVAL, EPERM, OK } from "../../include/errno.js";
import { slotOf, type Message } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { kcall } from "../../lib/ipc.js";
import type { MProc } from "./state.js";

export function doGetpid(p: MProc): Message {
  return { type: OK, pid: p.pid };
}

export function doGetppid(p: MProc): Message {
  return { type: OK, ppid: p.parent?.pid ?? 0 };
}

export function doGetuid(p: MProc): Message {
  const uid = uidOf(p);
  return uid === undefined ? { type: -EINVAL } : { type: OK, uid };
}

export function doSetuid(p: MProc, m: Message): Message {
  const uid = m.uid;
  if (typeof uid !== "number" || !Number.isInteger(uid) || uid < 0) return { type: -EINVAL };
  const now = uidOf(p);
  if (now === undefined) return { type: -EINVAL };
  if (now !== 0 && now !== uid) return { type: -EPERM };
  return { type: kcall({ type: SYS.SETUID, endpoint: p.endpoint, uid }).type };
}

function uidOf(p: MProc): number | undefined {
  const r = kcall({ type: SYS.GETPROC, slot: slotOf(p.endpoint) });
  return r.type === OK && r.endpoint === p.endpoint ? (r.uid as number) : undefined;
}
