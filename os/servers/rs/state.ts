/**
 * All of RS's state: one record per system service it manages. An update manager
 * will keep its own records beside these and extend them (new program, state).
 */
import type { ServiceSpec } from "../../include/services.js";

export type ServiceState = "up" | "down";

export class Service {
  state: ServiceState = "up";
  restarts = 0;
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
