/**
 * IPC constants shared by the kernel and every process: special endpoints, the
 * trap numbers a process uses to enter the kernel, and the message shape.
 */

/** Endpoint wildcards and kernel pseudo-senders (notifications come "from" these). */
export const ANY = -1;
export const SYSTEM = -2;
export const CLOCK = -3;
export const HARDWARE = -4;
export const NONE = -5;
/**
 * The host: an operator outside the simulated machine (the `proteos` command line, a
 * test) whose requests the kernel delivers to a server as if from a process.
 */
export const HOST = -6;

/** Endpoints encode slot and generation: endpoint = generation * NR_SLOTS + slot. */
export const NR_SLOTS = 4096;

/** Slots below this belong to the boot image; processes created later get slots from here on. */
export const NR_BOOT_SLOTS = 16;

/** Message type of a notification; the sender is in `source`. */
export const NOTIFY_MESSAGE = 0x7fff_0000;

/** Entry points of the kernel trap. */
export const TRAP = {
  SEND: 1,
  RECEIVE: 2,
  SENDREC: 3,
  REPLY: 4,
  NOTIFY: 5,
  ASEND: 6,
  KCALL: 7,
  GRANT: 8,
  GRANT_INDIRECT: 9,
  REVOKE: 10,
  SAFECOPY: 11,
  PHYSCOPY: 12,
  REQUIRE: 13,
  TIME: 14,
  SELF: 15,
  /** How this instance started: "fresh", "restart" (after a crash, same endpoint) or "update" (live update). */
  START_MODE: 16,
} as const;

export type StartMode = "fresh" | "restart" | "update";

/** Grant access bits. */
export const GRANT_READ = 1;
export const GRANT_WRITE = 2;

/**
 * A message: a flat record of scalar fields. `type` names the request, or in a
 * reply carries the status (0 or a negative errno). The kernel sets `source`, and
 * `callId` on a request that expects a reply; a sender cannot forge either.
 */
export type MessageField = number | string | boolean | bigint | null | undefined;
export interface Message {
  type: number;
  source?: number;
  callId?: number;
  [field: string]: MessageField;
}

/** Limits the kernel enforces on every message. */
export const MAX_MESSAGE_FIELDS = 24;
export const MAX_STRING_FIELD = 4096;

export function slotOf(endpoint: number): number {
  return ((endpoint % NR_SLOTS) + NR_SLOTS) % NR_SLOTS;
}
