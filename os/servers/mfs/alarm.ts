/**
 * MFS's one alarm (SYS.SETALARM), used two ways: the write-back alarm, set while
 * anything is dirty so changes reach the disk within SYNC_TICKS; and sleeping a
 * few ticks while the disk driver is being restarted.
 */
import { RS_PROC_NR } from "../../include/com.js";
import { CLOCK, NOTIFY_MESSAGE } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { kcall, notify, receive, uptime } from "../../lib/ipc.js";
import { server } from "./state.js";

/** Longest a change stays in memory only. */
export const SYNC_TICKS = 50;

export function armSyncAlarm(): void {
  if (server.syncAlarmSet) return;
  kcall({ type: SYS.SETALARM, ticks: SYNC_TICKS });
  server.syncAlarmSet = true;
}

/**
 * Wait `ticks`. RS's heartbeats are still answered; any other message is kept in
 * `server.deferred` for the main loop, in arrival order.
 */
export async function sleep(ticks: number): Promise<void> {
  const until = uptime() + ticks;
  kcall({ type: SYS.SETALARM, ticks });
  server.syncAlarmSet = false; // replaced: the main loop sets it again if needed
  while (uptime() < until) {
    const m = await receive();
    if (m.type === NOTIFY_MESSAGE && m.source === CLOCK) continue;
    if (m.type === NOTIFY_MESSAGE && m.source === RS_PROC_NR) notify(RS_PROC_NR);
    else server.deferred.push(m);
  }
}
