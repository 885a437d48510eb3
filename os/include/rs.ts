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
} as const;

export const HEARTBEAT_PERIOD = 100;
export const MISSED_LIMIT = 5;
