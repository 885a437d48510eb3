/** Subscriptions: who hears of which changes, and how they fetch them. */
import { EINVAL, ENOENT, ENOSPC, OK } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import { DS_MAX_PATTERNS, DS_QUEUE_LIMIT } from "../../include/ds.js";
import { notify } from "../../lib/ipc.js";
import { validKey } from "./store.js";
import { Change, type ChangeEvent, Subscriber, type Value, entries, subscribers } from "./state.js";

/** SUBSCRIBE {pattern, initial}. */
export function doSubscribe(m: Message): Message {
  const { pattern } = m;
  if (typeof pattern !== "string" || !validPattern(pattern)) return { type: -EINVAL };
  let sub = subscribers.get(m.source!);
  if (sub?.patterns.includes(pattern)) return { type: OK };
  if (sub && sub.patterns.length >= DS_MAX_PATTERNS) return { type: -ENOSPC };
  if (!sub) subscribers.set(m.source!, (sub = new Subscriber(m.source!)));
  sub.patterns.push(pattern);
  if (m.initial === true) {
    let queued = false;
    for (const e of entries.values()) {
      if (!sub.wants(e.key)) continue;
      enqueue(sub, new Change(e.key, e.value, "set"));
      queued = true;
    }
    if (queued) tell(sub);
  }
  return { type: OK };
}

/** CHECK {} -> the subscriber's oldest pending change. */
export function doCheck(m: Message): Message {
  const sub = subscribers.get(m.source!);
  const c = sub?.queue.shift();
  if (!sub || !c) return { type: -ENOENT };
  const lost = sub.lost;
  sub.lost = 0;
  return { type: OK, key: c.key, value: c.value, event: c.event, lost };
}

/** A key changed: queue the change for every subscriber that wants it and wake them. */
export function announce(key: string, value: Value | null, event: ChangeEvent): void {
  for (const sub of [...subscribers.values()]) {
    if (!sub.wants(key)) continue;
    enqueue(sub, new Change(key, value, event));
    tell(sub);
  }
}

function enqueue(sub: Subscriber, c: Change): void {
  if (sub.queue.length >= DS_QUEUE_LIMIT) {
    sub.queue.shift();
    sub.lost++;
  }
  sub.queue.push(c);
}

/** Notify a subscriber; one that is gone loses its subscriptions. */
function tell(sub: Subscriber): void {
  if (notify(sub.endpoint) < 0) subscribers.delete(sub.endpoint);
}

function validPattern(p: string): boolean {
  if (p === "*") return true;
  return validKey(p.endsWith("*") ? p.slice(0, -1) : p);
}
