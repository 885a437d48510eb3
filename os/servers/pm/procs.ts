/**
 * Which processes PM knows: the boot image at start, children it forks, and any
 * other live process that turns up (a service RS started), adopted on first contact.
 * GETPROCS lists them all for ps.
 */
import { INIT_PROC_NR } from "../../include/com.js";
import { EINVAL, ESRCH, OK } from "../../include/errno.js";
import { type Message, NR_BOOT_SLOTS, slotOf } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { kcall } from "../../lib/ipc.js";
import { INIT_PID, MProc, procs } from "./state.js";

/** Give a pid to every process of the boot image; init is pid 1 and parent of the other user processes. */
export function learnBootProcesses(): void {
  const found: Message[] = [];
  for (let slot = 0; slot < NR_BOOT_SLOTS; slot++) {
    const r = kcall({ type: SYS.GETPROC, slot });
    if (r.type === OK) found.push(r);
  }
  found.sort((a, b) => Number(b.endpoint === INIT_PROC_NR) - Number(a.endpoint === INIT_PROC_NR));
  for (const info of found) adopt(info);
}

/** The process that sent `endpoint`'s request, adopting a live one PM has not met. */
export function whoIs(endpoint: number): MProc | undefined {
  const known = procs.get(endpoint);
  if (known) return known;
  const r = kcall({ type: SYS.GETPROC, slot: slotOf(endpoint) });
  return r.type === OK && r.endpoint === endpoint ? adopt(r) : undefined;
}

function adopt(info: Message): MProc {
  const endpoint = info.endpoint as number;
  const system = info.system === true;
  const pid = endpoint === INIT_PROC_NR && !procs.init ? INIT_PID : procs.allocPid();
  const p = procs.add(new MProc(pid, endpoint, String(info.name), system, null));
  if (!system && pid !== INIT_PID) procs.init?.addChild(p);
  return p;
}

/** GETPROCS {pid} -> the process with the smallest pid >= pid. */
export function doGetprocs(_caller: MProc, m: Message): Message {
  if (!Number.isInteger(m.pid) || (m.pid as number) < 0) return { type: -EINVAL };
  let best: MProc | undefined;
  for (const p of procs.all()) {
    if (p.pid >= (m.pid as number) && (!best || p.pid < best.pid)) best = p;
  }
  if (!best) return { type: -ESRCH };
  return { type: OK, pid: best.pid, ppid: best.parent?.pid ?? 0, endpoint: best.endpoint, name: best.name,
    state: best.state, system: best.system };
}
