/**
 * sleep and alarm. Every pending one is a Timer in one sorted list; PM keeps a
 * single kernel alarm set for the head of the list and, when CLOCK notifies it,
 * fires everything that has fallen due.
 */
import { EBUSY, EINVAL, OK } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { SIGALRM } from "../../include/signal.js";
import { kcall, reply, uptime } from "../../lib/ipc.js";
import { sendSignal } from "./signal.js";
import { type MProc, Timer, type TimerKind, alarm, timers } from "./state.js";

/** Longest sleep or alarm, in ticks. */
const MAX_TICKS = 2 ** 31 - 1;

function validTicks(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_TICKS;
}

/** SLEEP {ticks}: answered when the time is up (see expireTimers) or a caught signal cuts it short. */
export function doSleep(p: MProc, m: Message): Message | null {
  if (!validTicks(m.ticks)) return { type: -EINVAL };
  if (m.ticks === 0) return { type: OK, left: 0 };
  if (p.sleepTimer) return { type: -EBUSY }; // one sleep at a time per process
  p.sleepTimer = addTimer(p, "sleep", m.ticks, m);
  return null;
}

/** ALARM {ticks}: replace the process's alarm; answer what was left of the old one. */
export function doAlarm(p: MProc, m: Message): Message {
  if (!validTicks(m.ticks)) return { type: -EINVAL };
  const remaining = p.alarmTimer ? Math.max(0, p.alarmTimer.at - uptime()) : 0;
  cancelAlarm(p);
  if (m.ticks > 0) p.alarmTimer = addTimer(p, "alarm", m.ticks, null);
  return { type: OK, remaining };
}

/** A caught signal arrived: a sleeping process wakes early and learns how much was left. */
export function interruptSleep(p: MProc): void {
  const t = p.sleepTimer;
  if (!t) return;
  cancelSleep(p);
  reply(t.request!, { type: OK, left: Math.max(0, t.at - uptime()) });
}

export function cancelSleep(p: MProc): void {
  if (p.sleepTimer) removeTimer(p.sleepTimer);
  p.sleepTimer = null;
}

export function cancelAlarm(p: MProc): void {
  if (p.alarmTimer) removeTimer(p.alarmTimer);
  p.alarmTimer = null;
}

/** CLOCK notified PM: fire every timer that has fallen due, in order. */
export async function expireTimers(): Promise<void> {
  alarm.armedAt = 0; // the kernel alarm has gone off
  const now = uptime();
  const due: Timer[] = [];
  while (timers.head && timers.head.at <= now) {
    const t = timers.head;
    timers.remove(t);
    due.push(t);
  }
  for (const t of due) {
    // An earlier timer in this batch may have ended the process and cancelled this one.
    if (t.proc.sleepTimer !== t && t.proc.alarmTimer !== t) continue;
    if (t.kind === "sleep") {
      t.proc.sleepTimer = null;
      reply(t.request!, { type: OK, left: 0 });
    } else {
      t.proc.alarmTimer = null;
      await sendSignal(t.proc, SIGALRM);
    }
  }
  armKernelAlarm();
}

function addTimer(p: MProc, kind: TimerKind, ticks: number, request: Message | null): Timer {
  const t = new Timer(uptime() + ticks, p, kind, request);
  timers.insert(t);
  armKernelAlarm();
  return t;
}

function removeTimer(t: Timer): void {
  timers.remove(t);
  armKernelAlarm();
}

/** Keep the kernel alarm set for the earliest timer (or cancelled when there is none). */
function armKernelAlarm(): void {
  const want = timers.head?.at ?? 0;
  if (want === alarm.armedAt) return;
  kcall({ type: SYS.SETALARM, ticks: want === 0 ? 0 : Math.max(1, want - uptime()) });
  alarm.armedAt = want;
}
