/**
 * DS, the data store: named values with owners, and subscriptions that tell a
 * process when values it cares about change (os/include/ds.ts). Every request is
 * answered at once, so DS never blocks.
 */
import { RS_PROC_NR } from "../../include/com.js";
import { NOTIFY_MESSAGE } from "../../include/ipc.js";
import { notify, receive, reply } from "../../lib/ipc.js";
import { handlerFor } from "./table.js";

export async function main(): Promise<void> {
  for (;;) {
    const m = await receive();
    if (m.type === NOTIFY_MESSAGE) {
      if (m.source === RS_PROC_NR) notify(RS_PROC_NR); // heartbeat
      continue;
    }
    reply(m, handlerFor(m.type)(m));
  }
}
