import type { TimerHandle } from "../../hw/clock.js";
import { NR_SLOTS } from "../include/ipc.js";
import type { RealmMessage } from "./message.js";
import type { Priv } from "./priv.js";
import type { Realm } from "./realm.js";
import type { Wakeup } from "./sched.js";
import type { QuiescenceWatch } from "./update.js";
import type { StartMode } from "../include/ipc.js";

/** A message waiting in a mailbox, already copied into the receiver's realm. */
export interface Delivery {
  msg: RealmMessage;
  source: number;
  /** A blocking sender resumes when the message is taken. */
  onTaken?: { proc: Proc; instance: Instance; cb: Wakeup };
}

/** A memory grant: the granter lets `grantee` copy from/to part of one of its buffers. */
export interface Grant {
  grantee: number;
  access: number;
  /** A direct grant names a buffer in the granter's realm... */
  buffer?: Uint8Array;
  offset: number;
  length: number;
  /** ...an indirect one forwards another process's grant. */
  indirect?: { granter: number; id: number };
}

/**
 * One running copy of a program: its realm and everything tied to the code running
 * in it. An endpoint keeps its mailbox when the instance serving it is replaced.
 */
export class Instance {
  /** The pending receive, if the process is blocked in one. */
  recv: { from: number; cb: Wakeup } | null = null;
  /** Outstanding sendrec calls made by this instance, by call id. */
  calls = new Map<number, { cb: Wakeup; callee: Proc }>();
  grants = new Map<number, Grant>();
  nextGrant = 1;
  started = false;

  constructor(readonly realm: Realm, readonly entry: string, readonly argv: string[], readonly mode: StartMode = "fresh") {}
}

export type ProcState = "created" | "running" | "dead";

/** A process-table slot: the endpoint, privileges, mailbox and accounting. */
export class Proc {
  state: ProcState = "created";
  instance: Instance | null = null;
  mailbox: Delivery[] = [];
  /** Sources with a pending notification, in arrival order. */
  notifyPending = new Set<number>();
  /** Interrupt lines raised since the last HARDWARE notification was taken. */
  irqPending = 0;
  /** While held, nothing is delivered; messages queue in order. */
  held = false;
  /** Set while a live update waits for this process or commits it (./update.ts). */
  watch: QuiescenceWatch | null = null;
  /** A check of the watch is queued; the watch has been satisfied (it is not asked again). */
  watchCheckQueued = false;
  watchReached = false;
  alarm: TimerHandle | null = null;
  alarmAt = 0;
  /** Physical memory this process allocated (DMA buffers), freed when it dies. */
  memory = new Set<number>();
  stats = { received: 0, sent: 0, kcalls: 0, requests: 0 };
  /** User id: 0 is the administrator (root). PM sets it; servers ask the kernel for it (GETPROC). */
  uid = 0;

  constructor(
    readonly slot: number,
    readonly generation: number,
    public name: string,
    public program: string,
    public priv: Priv,
    /** Slot of the process told when this one dies unexpectedly (PM or RS). */
    public watcher: number,
  ) {}

  get endpoint(): number {
    return this.generation * NR_SLOTS + this.slot;
  }

  get alive(): boolean {
    return this.state !== "dead";
  }
}
