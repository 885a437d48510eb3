/**
 * The reincarnation server's calls, and the heartbeat contract every system service
 * it manages keeps: RS notifies each service every HEARTBEAT_PERIOD ticks and the
 * service answers with notify(RS_PROC_NR). A service that neither answers nor sends
 * any message for MISSED_LIMIT periods in a row is taken for hung: RS kills it and
 * starts it again under the same endpoint.
 */
import { RS_BASE } from "./com.js";

export const RS = {
  /** {name} -> {endpoint}. ESRCH: no such service. */
  LOOKUP: RS_BASE + 1,
  /** {name} -> {endpoint}: kill and restart a service. Only system processes may ask (EPERM). */
  RESTART: RS_BASE + 2,
  /**
   * {index} or {name} -> {name, program, endpoint, state, restarts}: one service,
   * by position in RS's table or by name; ESRCH past the last one. state is "up",
   * or "down" while a restart is pending.
   */
  STATUS: RS_BASE + 3,
  /**
   * {request, grant?, size?} -> {id, outcome, reason, report}: live-update services (root,
   * system processes and the host only: EPERM). `request` is a LiveUpdateRequest as JSON.
   * A `"package": true` request comes with the package file: `grant` lets RS read its
   * `size` bytes (RS hands it to the kernel, which copies it; the requester revokes it
   * when answered). Answered when the update ends: type
   * OK with outcome "committed" or "rolled-back" (and why in `reason`), `report` the
   * whole report as JSON when it fits in a message. A request that cannot be carried
   * out is refused at once with EINVAL and a `reason`; EBUSY while another update runs.
   */
  UPDATE: RS_BASE + 4,
} as const;

export const HEARTBEAT_PERIOD = 100;
export const MISSED_LIMIT = 5;

/** The states a service may be asked to reach before it is updated. */
export type QuiescentState =
  /** At its update point (the receive heading its event loop), with no kernel call outstanding. */
  | "work-free"
  /** Work-free, and no request handler in flight. */
  | "request-free"
  /** Request-free, and its own protocolFree() says no multi-message exchange is half done. */
  | "protocol-free";

/**
 * Hold back messages to a draining service: from a sender ("users": processes that are
 * not system processes; "system"; a service's name; an endpoint) and/or of a type.
 */
export interface InterfaceFilter {
  from?: "users" | "system" | string | number;
  type?: number;
}

export interface ComponentUpdate {
  /** The service, by name ("vfs", "mfs", "rs", …). */
  name: string;
  /** A version staged in the system; none: the version it runs (an identity update). */
  version?: string;
  /** Default "request-free". */
  state?: QuiescentState;
  /** A state filter: a boolean expression over the service's own variables, e.g. "vfs.filps.size == 0". */
  filter?: string;
  hold?: InterfaceFilter[];
}

/** What RS.UPDATE asks for. All the services named are updated together, or none is. */
export interface LiveUpdateRequest {
  /** Required, unless `package`: then none means every running service the package changes. */
  components?: ComponentUpdate[];
  /** Ticks to reach quiescence and commit before the update is rolled back (default 2000). */
  maxtime?: number;
  /** Likely invariants learned by profiling: "off", "warn" (default) or "fail". */
  likely?: "off" | "warn" | "fail";
  /** Report deep hashes of each service's state before and after (for checking an update; costs time). */
  digest?: boolean;
  /**
   * Apply the update package sent with the request (see RS.UPDATE): each service runs
   * the package's version of its program, so components name no `version`; each waits
   * for the state and gets the interface filters the package suggests, unless its
   * component entry (or `state` and `hold` below) says otherwise. The package is checked
   * whole (hashes, signature, base version, code) before anything changes.
   */
  package?: boolean;
  /** With `package`: a QuiescentState for every service instead of the suggested one, or a state filter each must meet too. */
  state?: string;
  /** With `package`: interface filters for every service instead of the suggested ones. */
  hold?: InterfaceFilter[];
}
