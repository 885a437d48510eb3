/**
 * Run in a service's slot: a good service (it answers heartbeats, takes RS's
 * messages) until a request from anyone else, which hangs it for good.
 */
import { RS_PROC_NR } from "../../../os/include/com.js";
import { NOTIFY_MESSAGE } from "../../../os/include/ipc.js";
import { notify, receive } from "../../../os/lib/ipc.js";

export async function main(): Promise<void> {
  for (;;) {
    const m = await receive();
    if (m.source !== RS_PROC_NR) await new Promise<never>(() => {});
    if (m.type === NOTIFY_MESSAGE) notify(RS_PROC_NR);
  }
}
