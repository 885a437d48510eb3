/**
 * The update manager: RS.UPDATE asks for a live update of one or more services (the
 * request format is in os/include/rs.ts). RS checks who asks, hands the request to the
 * kernel's live-update service (SYS.UPDATE), which reaches quiescence, transfers state,
 * checks it and commits or rolls back, and answers the requester when SYSTEM tells RS
 * that the update has ended. RS keeps serving meanwhile and can be one of the services
 * updated: its record of the update in flight is part of the state its new version gets.
 */
import { EBUSY, EINVAL, EPERM, OK } from "../../include/errno.js";
import { HOST, type Message, slotOf } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { diag } from "../../lib/diag.js";
import { kcall, reply } from "../../lib/ipc.js";
import { manager, services } from "./state.js";

/**
 * RS.UPDATE {request, grant?, size?} -> {id, outcome, reason, report}, answered when the
 * update ends. A package comes by grant: the kernel copies it from the requester.
 */
export function doUpdate(m: Message): Message | null {
  if (!mayAdminister(m.source!)) return { type: -EPERM, reason: "only root or a system process may update services" };
  if (typeof m.request !== "string") return { type: -EINVAL, reason: "no request" };
  if (m.grant !== undefined && (!Number.isInteger(m.grant) || !Number.isInteger(m.size))) {
    return { type: -EINVAL, reason: "a package goes by a grant number and a size" };
  }
  const busy = manager.inFlight;
  if (busy) return { type: -EBUSY, reason: `busy: update ${busy.id} (${busy.services.join(", ")}) is in flight` };
  const attachment = m.grant === undefined ? {} : { granter: m.source, grant: m.grant, size: m.size };
  const r = kcall({ type: SYS.UPDATE, op: "start", request: m.request, ...attachment });
  if (r.type !== OK) return { type: r.type, reason: typeof r.reason === "string" ? r.reason : "refused" };
  // The kernel names them: a package request may leave the choice to the package.
  const names = typeof r.services === "string" && r.services !== "" ? r.services.split(",") : [];
  manager.inFlight = { id: r.id as number, request: m, services: names };
  manager.updates++;
  for (const name of names) {
    const svc = services.get(name);
    if (svc?.state === "up") svc.state = "updating";
  }
  diag(`live update ${r.id as number} of ${names.join(", ") || "no running service"} requested by endpoint ${m.source!}`);
  return null;
}

/** SYSTEM notified RS: collect ended updates and answer their requesters. */
export function collectUpdates(): void {
  for (;;) {
    const r = kcall({ type: SYS.UPDATE, op: "result" });
    if (r.type !== OK) return; // ESRCH: no more
    const u = manager.inFlight;
    if (!u || u.id !== r.id) continue;
    manager.inFlight = null;
    for (const name of u.services) {
      const svc = services.get(name);
      if (svc?.state === "updating") {
        svc.state = "up";
        svc.answered = true; // it was held, not hung
        if (r.outcome === "committed") svc.updates++;
      }
    }
    diag(`live update ${u.id} ${r.outcome as string}${r.reason ? `: ${r.reason as string}` : ""}`);
    reply(u.request, { type: OK, id: u.id, outcome: r.outcome, reason: r.reason, report: r.report });
  }
}

/** The host's operator, system processes and root may administer services. */
function mayAdminister(source: number): boolean {
  if (source === HOST) return true;
  const p = kcall({ type: SYS.GETPROC, slot: slotOf(source) });
  return p.type === OK && p.endpoint === source && (p.system === true || p.uid === 0);
}
