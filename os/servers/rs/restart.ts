/**
 * Bringing services back: after a death the kernel reports, after a hang the
 * heartbeat detects, or on request. A service comes back under the same endpoint,
 * with the privileges of its boot-table row, and its endpoint is published in DS.
 */
import { DS_PROC_NR } from "../../include/com.js";
import { DS, DS_SERVICE_PREFIX } from "../../include/ds.js";
import { EBUSY, EINVAL, EPERM, ESRCH, OK, errnoName } from "../../include/errno.js";
import { type Message, slotOf } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { HEARTBEAT_PERIOD } from "../../include/rs.js";
import { diag } from "../../lib/diag.js";
import { asend, kcall, notify, uptime } from "../../lib/ipc.js";
import { type Service, serviceAt, services } from "./state.js";

/** Longest wait, in heartbeat periods, before starting a service that keeps dying. */
const MAX_BACKOFF = 32;

/** SYSTEM notified RS: a service it watches has died. */
export function collectDeaths(): void {
  for (;;) {
    const d = kcall({ type: SYS.GETKSIG });
    if (d.type < 0) return; // ESRCH: no more
    const svc = serviceAt(d.endpoint as number);
    if (!svc || svc.state === "down") continue;
    const how = (d.status as number) >= 0 ? `exited with status ${d.status}` : String(d.reason).split("\n")[0];
    reincarnate(svc, `died: ${how}`);
  }
}

/** Kill a live service (it hung, or someone asked), then start it again. */
export function killAndRestart(svc: Service, why: string): number {
  diag(`${svc.name} (endpoint ${svc.endpoint}) ${why}: restarting`);
  if (svc.state === "up") kcall({ type: SYS.EXIT, endpoint: svc.endpoint });
  svc.backoff = 0;
  return start(svc);
}

/**
 * Start a dead service again: at once, unless it died within a period of its last
 * restart, in which case it waits twice as long as last time (a crash loop must not
 * flood the system).
 */
function reincarnate(svc: Service, why: string): void {
  const diedYoung = svc.restarts > 0 && uptime() - svc.startedAt < HEARTBEAT_PERIOD;
  svc.backoff = diedYoung ? Math.min(MAX_BACKOFF, Math.max(1, svc.backoff * 2)) : 0;
  if (svc.backoff === 0) {
    diag(`${svc.name} (endpoint ${svc.endpoint}) ${why}: restarting`);
    start(svc);
  } else {
    diag(`${svc.name} (endpoint ${svc.endpoint}) ${why}: restarting in ${svc.backoff * HEARTBEAT_PERIOD} ticks`);
    postpone(svc);
  }
}

/** A service that is down and due: try again (the heartbeat calls this). */
export function retry(svc: Service): void {
  if (uptime() >= svc.restartAt) start(svc);
}

/** SPAWN the service under its old endpoint. Returns 0 or the errno of a failed start (retried later). */
function start(svc: Service): number {
  const { spec } = svc;
  const r = kcall({ type: SYS.SPAWN, program: svc.program, name: svc.name, endpoint: svc.endpoint,
    priority: spec.priority, kcalls: spec.kcalls, physcopy: spec.physcopy });
  if (r.type < 0) {
    diag(`cannot start ${svc.name}: ${errnoName(r.type)}`);
    svc.backoff = Math.min(MAX_BACKOFF, Math.max(1, svc.backoff * 2));
    postpone(svc);
    return r.type;
  }
  svc.state = "up";
  svc.restarts++;
  svc.startedAt = uptime();
  svc.missed = 0;
  svc.sentAtLastBeat = 0; // a new process: the kernel counts from zero
  svc.receivedAtLastBeat = 0;
  svc.answered = false;
  notify(svc.endpoint); // its first heartbeat
  // A restarted DS has lost every entry: tell it all the services again.
  if (svc.endpoint === DS_PROC_NR) for (const s of services.values()) publishEndpoint(s);
  else publishEndpoint(svc);
  return OK;
}

function postpone(svc: Service): void {
  svc.state = "down";
  svc.restartAt = uptime() + svc.backoff * HEARTBEAT_PERIOD;
}

/**
 * Publish `service.<name>` -> endpoint. Sent without waiting for DS's answer: RS
 * must never block on a service it may have to restart. Without DS there is no one to tell.
 */
export function publishEndpoint(svc: Service): void {
  asend(DS_PROC_NR, { type: DS.PUBLISH, key: `${DS_SERVICE_PREFIX}${svc.name}`, value: svc.endpoint });
}

/** RESTART {name} -> {endpoint}: system processes only. */
export function doRestart(m: Message): Message {
  const caller = kcall({ type: SYS.GETPROC, slot: slotOf(m.source!) });
  if (caller.type !== OK || caller.endpoint !== m.source || caller.system !== true) return { type: -EPERM };
  if (typeof m.name !== "string") return { type: -EINVAL };
  const svc = services.get(m.name);
  if (!svc) return { type: -ESRCH };
  if (svc.state === "updating") return { type: -EBUSY };
  const r = killAndRestart(svc, `restart requested by endpoint ${m.source}`);
  return r === OK ? { type: OK, endpoint: svc.endpoint } : { type: r };
}
