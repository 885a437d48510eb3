/**
 * Heartbeats (the contract is in os/include/rs.ts). Every period RS notifies each
 * service; a service shows it is alive by answering or by having sent anything at
 * all since the last period (a server busy with a long request still talks to its
 * driver). MISSED_LIMIT silent periods in a row and it is killed and restarted.
 *
 * A period in which every service answered and did nothing else means the system
 * is quiet: RS then stops its alarm, so an idle machine can stop (or wait for typed
 * input) instead of running on heartbeats alone. Any message to RS starts them
 * again; PM nudges RS whenever it starts a process.
 */
import { OK } from "../../include/errno.js";
import { slotOf } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { HEARTBEAT_PERIOD, MISSED_LIMIT } from "../../include/rs.js";
import { kcall, notify } from "../../lib/ipc.js";
import { killAndRestart, retry } from "./restart.js";
import { heartbeats, serviceAt, services } from "./state.js";

/** CLOCK notified RS: one heartbeat period has passed. */
export function heartbeat(): void {
  heartbeats.armed = false;
  let quiet = true;
  for (const svc of services.values()) {
    if (svc.state === "down") {
      retry(svc);
      quiet = false;
      continue;
    }
    if (svc.state === "updating") {
      quiet = false; // held by a live update: silent, not hung
      continue;
    }
    const { sent, received } = traffic(svc.endpoint);
    // Quiet: the heartbeat in and its answer out, nothing more.
    if (!svc.answered || sent - svc.sentAtLastBeat > 1 || received - svc.receivedAtLastBeat > 1) quiet = false;
    if (svc.answered || sent !== svc.sentAtLastBeat) {
      svc.missed = 0;
    } else if (++svc.missed >= MISSED_LIMIT) {
      killAndRestart(svc, `silent for ${svc.missed} heartbeat periods`);
      continue;
    }
    svc.sentAtLastBeat = sent;
    svc.receivedAtLastBeat = received;
  }
  if (!quiet) watch();
}

/** Send every running service a heartbeat and set the alarm for the next period (unless already watching). */
export function watch(): void {
  if (heartbeats.armed || services.size === 0) return;
  for (const svc of services.values()) {
    if (svc.state !== "up") continue;
    svc.answered = false;
    notify(svc.endpoint);
  }
  kcall({ type: SYS.SETALARM, ticks: HEARTBEAT_PERIOD });
  heartbeats.armed = true;
}

/** A service answered its heartbeat. */
export function answered(endpoint: number): void {
  const svc = serviceAt(endpoint);
  if (svc) svc.answered = true;
}

/** Messages a process has sent and received in its life, by the kernel's count (-1 if it is gone). */
function traffic(endpoint: number): { sent: number; received: number } {
  const r = kcall({ type: SYS.GETPROC, slot: slotOf(endpoint) });
  return r.type === OK && r.endpoint === endpoint
    ? { sent: r.sent as number, received: r.received as number }
    : { sent: -1, received: -1 };
}
