/**
 * The process side of the kernel trap: message passing, grants and kernel calls.
 * Everything a process does outside its own realm goes through `__proteos.trap`.
 */
import { ANY, TRAP, type Message, type StartMode } from "../include/ipc.js";
import { errnoName } from "../include/errno.js";

interface KernelTrap {
  trap(op: number, a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown, g?: unknown): unknown;
  onSignal(fn: (sig: number) => void): void;
}
declare const __proteos: KernelTrap;

/** An IPC operation failed in the kernel (bad endpoint, dead peer, denied call). */
export class IpcError extends Error {
  constructor(readonly errno: number, op: string) {
    super(`${op}: ${errnoName(errno)}`);
    this.name = "IpcError";
  }
}

function settle(op: string, resolve: (m: Message) => void, reject: (e: unknown) => void) {
  return (v: unknown) => (typeof v === "number" ? reject(new IpcError(-v, op)) : resolve(v as Message));
}

/** Wait for the next message (from `from`, or anyone). Notifications come first. */
export function receive(from: number = ANY): Promise<Message> {
  return new Promise((resolve, reject) => {
    const r = __proteos.trap(TRAP.RECEIVE, from, settle("receive", resolve, reject)) as number;
    if (r < 0) reject(new IpcError(-r, "receive"));
  });
}

/** Send a request and wait for its reply. Rejects with IpcError if the peer is gone or refused. */
export function sendrec(dest: number, m: Message): Promise<Message> {
  return new Promise((resolve, reject) => {
    const r = __proteos.trap(TRAP.SENDREC, dest, m, settle("sendrec", resolve, reject)) as number;
    if (r < 0) reject(new IpcError(-r, "sendrec"));
  });
}

/** Send and wait until the receiver has taken the message. */
export function send(dest: number, m: Message): Promise<void> {
  return new Promise((resolve, reject) => {
    const r = __proteos.trap(TRAP.SEND, dest, m, (v: unknown) =>
      typeof v === "number" && v < 0 ? reject(new IpcError(-v, "send")) : resolve()) as number;
    if (r < 0) reject(new IpcError(-r, "send"));
  });
}

/** Answer a request received with `receive`. Returns 0 or a negative errno (the caller may be gone). */
export function reply(request: Message, m: Message): number {
  return __proteos.trap(TRAP.REPLY, request.source, request.callId, m) as number;
}

/** Queue a message without waiting. Returns 0 or a negative errno. */
export function asend(dest: number, m: Message): number {
  return __proteos.trap(TRAP.ASEND, dest, m) as number;
}

/** Post a notification; the receiver gets {type: NOTIFY_MESSAGE, source: me}. */
export function notify(dest: number): number {
  return __proteos.trap(TRAP.NOTIFY, dest) as number;
}

/** A kernel call; the reply's `type` is 0 or a negative errno. */
export function kcall(m: Message): Message {
  const r = __proteos.trap(TRAP.KCALL, m);
  // The trap itself may refuse (e.g. EDEADSRCDST once the machine halts): same shape as a failed call.
  return typeof r === "number" ? { type: r } : (r as Message);
}

/** Let `grantee` read and/or write bytes [offset, offset+length) of `buffer`. Returns the grant id or a negative errno. */
export function grant(grantee: number, buffer: Uint8Array, offset: number, length: number, access: number): number {
  return __proteos.trap(TRAP.GRANT, grantee, buffer, offset, length, access) as number;
}

/** Pass on a grant received from `granter` to `grantee`. */
export function grantIndirect(grantee: number, granter: number, id: number): number {
  return __proteos.trap(TRAP.GRANT_INDIRECT, grantee, granter, id) as number;
}

export function revoke(id: number): number {
  return __proteos.trap(TRAP.REVOKE, id) as number;
}

/** Copy `length` bytes between grant (granter, id) at grantOffset and `buffer` at bufOffset. */
export function safecopy(granter: number, id: number, grantOffset: number, buffer: Uint8Array, bufOffset: number,
  length: number, dir: number): number {
  return __proteos.trap(TRAP.SAFECOPY, granter, id, grantOffset, buffer, bufOffset, length, dir) as number;
}

/** Copy between physical memory and a buffer (drivers only). */
export function physcopy(addr: number, buffer: Uint8Array, offset: number, length: number, toPhys: boolean): number {
  return __proteos.trap(TRAP.PHYSCOPY, addr, buffer, offset, length, toPhys) as number;
}

/** Virtual time in ticks. */
export function uptime(): number {
  return __proteos.trap(TRAP.TIME) as number;
}

/** This process's endpoint. */
export function self(): number {
  return __proteos.trap(TRAP.SELF) as number;
}

/**
 * How this process started: "fresh", "restart" (RS brought it back after a crash, under
 * the same endpoint) or "update" (it is the new version of a live update: its state
 * arrives from the old version, so the start-up that would build it must not run).
 */
export function startMode(): StartMode {
  return __proteos.trap(TRAP.START_MODE) as StartMode;
}

/** Install the function the kernel calls when a signal is delivered to this process. */
export function onSignal(fn: (sig: number) => void): void {
  __proteos.onSignal(fn);
}
