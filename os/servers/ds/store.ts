/**
 * publish, retrieve and delete. A key belongs to the endpoint that created it; only
 * that process may change it while it lives (a restarted service keeps its endpoint
 * and so its keys). Keys under DS_SERVICE_PREFIX are RS's.
 */
import { RS_PROC_NR } from "../../include/com.js";
import { DS_KEY_MAX, DS_MAX_ENTRIES, DS_SERVICE_PREFIX } from "../../include/ds.js";
import { EINVAL, ENOENT, ENOSPC, EPERM, OK } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { kcall } from "../../lib/ipc.js";
import { announce } from "./subscribe.js";
import { Entry, entries } from "./state.js";

/** Printable characters, no "*" (it ends a subscription pattern). */
const KEY_CHARS = /^[\x21-\x29\x2b-\x7e]+$/;

export function validKey(k: unknown): k is string {
  return typeof k === "string" && k.length <= DS_KEY_MAX && KEY_CHARS.test(k);
}

/** PUBLISH {key, value}. */
export function doPublish(m: Message): Message {
  const { key, value } = m;
  if (!validKey(key)) return { type: -EINVAL };
  if (typeof value !== "string" && !(typeof value === "number" && Number.isFinite(value))) return { type: -EINVAL };
  if (key.startsWith(DS_SERVICE_PREFIX) && m.source !== RS_PROC_NR) return { type: -EPERM };
  const e = entries.get(key);
  if (e) {
    if (!mayChange(e, m.source!)) return { type: -EPERM };
    e.value = value;
    e.owner = m.source!;
  } else {
    if (entries.size >= DS_MAX_ENTRIES) return { type: -ENOSPC };
    entries.set(key, new Entry(key, value, m.source!));
  }
  announce(key, value, "set");
  return { type: OK };
}

/** RETRIEVE {key} -> {value}. */
export function doRetrieve(m: Message): Message {
  if (!validKey(m.key)) return { type: -EINVAL };
  const e = entries.get(m.key);
  return e ? { type: OK, value: e.value } : { type: -ENOENT };
}

/** DELETE {key}. */
export function doDelete(m: Message): Message {
  if (!validKey(m.key)) return { type: -EINVAL };
  const e = entries.get(m.key);
  if (!e) return { type: -ENOENT };
  if (!mayChange(e, m.source!)) return { type: -EPERM };
  entries.delete(e.key);
  announce(e.key, null, "delete");
  return { type: OK };
}

/** The owner may change its key; so may anyone once the owner is gone. */
function mayChange(e: Entry, who: number): boolean {
  return e.owner === who || kcall({ type: SYS.ISOKENDPT, endpoint: e.owner }).alive !== true;
}
