/**
 * All of RS's state: one record per system service it manages, and the update manager's
 * record of the live update in flight.
 */
import type { Message } from "../../include/ipc.js";
import type { ServiceSpec } from "../../include/services.js";

/** "updating": a live update holds it (its heartbeats are not expected). */
export type ServiceState = "up" | "down" | "updating";

export class Service {
  state: ServiceState = "up";
  restarts = 0;
  /** Live updates committed. */
  updates = 0;
  /** When it last started, in ticks. */
  startedAt = 0;
  /** Heartbeat: answered since the last period; periods in a row with no sign of life. */
  answered = false;
  missed = 0;
  /** The kernel's counts of messages it had sent and received at the last period. */
  sentAtLastBeat = 0;
  receivedAtLastBeat = 0;
  /** A service that keeps dying young waits this many periods before the next start... */
  backoff = 0;
  /** ...and while "down" is started again at this tick. */
  restartAt = 0;

  constructor(readonly name: string, public program: string, readonly endpoint: number, readonly spec: ServiceSpec) {}
}

/** Whether the heartbeat alarm is set (it is not while the system is quiet). */
export const heartbeats = { armed: false };

/** Managed services by name, in boot order. */
export const services = new Map<string, Service>();

export function serviceAt(endpoint: number): Service | undefined {
  for (const s of services.values()) if (s.endpoint === endpoint) return s;
  return undefined;
}

/** The live update in flight: its id, the request to answer when it ends, the services it holds. */
export interface UpdateInFlight {
  id: number;
  request: Message;
  services: string[];
}

export const manager: { inFlight: UpdateInFlight | null; updates: number } = { inFlight: null, updates: 0 };
