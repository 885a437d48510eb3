/**
 * The data store library (os/include/ds.ts): named values, and subscriptions to
 * their changes. Throws SysError on failure (ENOENT for a missing key).
 */
import { DS_PROC_NR } from "../include/com.js";
import { ENOENT } from "../include/errno.js";
import { DS } from "../include/ds.js";
import { SysError } from "./errors.js";
import { IpcError, receive } from "./ipc.js";
import { syscall } from "./syscall.js";

export type DsValue = string | number;

export interface DsChange {
  key: string;
  /** The new value; null when the key was deleted. */
  value: DsValue | null;
  event: "set" | "delete";
  /** Changes DS had to drop before this one because this process fell behind. */
  lost: number;
}

export async function publish(key: string, value: DsValue): Promise<void> {
  await syscall(DS_PROC_NR, { type: DS.PUBLISH, key, value }, "ds publish", key);
}

export async function retrieve(key: string): Promise<DsValue> {
  return (await syscall(DS_PROC_NR, { type: DS.RETRIEVE, key }, "ds retrieve", key)).value as DsValue;
}

export async function remove(key: string): Promise<void> {
  await syscall(DS_PROC_NR, { type: DS.DELETE, key }, "ds delete", key);
}

/**
 * Hear of changes to `pattern`: an exact key or a prefix ending in "*". With
 * `initial`, the keys that already match come first, as "set" changes.
 */
export async function subscribe(pattern: string, initial = false): Promise<void> {
  await syscall(DS_PROC_NR, { type: DS.SUBSCRIBE, pattern, initial }, "ds subscribe", pattern);
}

/** The next pending change, or null when there is none. */
export async function check(): Promise<DsChange | null> {
  try {
    const r = await syscall(DS_PROC_NR, { type: DS.CHECK }, "ds check");
    return { key: r.key as string, value: r.value as DsValue | null, event: r.event as "set" | "delete",
      lost: r.lost as number };
  } catch (e) {
    if (e instanceof SysError && e.errno === ENOENT) return null;
    throw e;
  }
}

/** Wait for the next change: DS notifies this process when one is queued for it. */
export async function waitChange(): Promise<DsChange> {
  for (;;) {
    const c = await check();
    if (c) return c;
    await receive(DS_PROC_NR).catch((e: unknown) => {
      throw e instanceof IpcError ? new SysError(e.errno, "ds wait") : e;
    });
  }
}
