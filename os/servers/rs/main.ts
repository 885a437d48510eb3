/**
 * RS, the reincarnation server. It is the watcher of the system services of the
 * boot image (all but PM, itself and init): when one dies or hangs, RS starts it
 * again under the same endpoint, so its clients never notice a new process. RS
 * never blocks: every request is answered at once.
 */
import { PM_PROC_NR, RS_PROC_NR } from "../../include/com.js";
import { OK } from "../../include/errno.js";
import { CLOCK, NOTIFY_MESSAGE, SYSTEM } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { BOOT_SERVICES } from "../../include/services.js";
import { kcall, receive, reply, startMode } from "../../lib/ipc.js";
import { answered, heartbeat, watch } from "./heartbeat.js";
import { collectDeaths, publishEndpoint } from "./restart.js";
import { collectUpdates } from "./update.js";
import { handlerFor } from "./table.js";
import { Service, services } from "./state.js";

export async function main(): Promise<void> {
  // A new version of a live update has its services in the state it received.
  if (startMode() !== "update") {
    learnServices();
    for (const svc of services.values()) publishEndpoint(svc);
  }
  watch();
  for (;;) {
    const m = await receive();
    if (m.type === NOTIFY_MESSAGE && m.source === CLOCK) {
      heartbeat();
      continue;
    }
    if (m.type !== NOTIFY_MESSAGE) {
      const answer = handlerFor(m.type)(m);
      if (answer) reply(m, answer);
    } else if (m.source === SYSTEM) {
      collectDeaths();
      collectUpdates();
    }
    else answered(m.source!);
    watch(); // something is going on: keep an eye on the services
  }
}

/** The services of the boot image that are running (a test system may have only some). */
function learnServices(): void {
  for (const spec of BOOT_SERVICES) {
    if (spec.slot === RS_PROC_NR || spec.slot === PM_PROC_NR) continue;
    const r = kcall({ type: SYS.GETPROC, slot: spec.slot });
    if (r.type !== OK) continue;
    const svc = new Service(spec.name, r.program as string, r.endpoint as number, spec);
    svc.sentAtLastBeat = r.sent as number;
    svc.receivedAtLastBeat = r.received as number;
    services.set(spec.name, svc);
  }
}
