/**
 * Run in a system service's slot (so RS takes it for a privileged caller): asks RS
 * to restart ds, reports the outcome with diag, then answers heartbeats like any
 * well-behaved service.
 */
import { DS_PROC_NR, RS_PROC_NR } from "../../../os/include/com.js";
import { NOTIFY_MESSAGE } from "../../../os/include/ipc.js";
import { diag } from "../../../os/lib/diag.js";
import { notify, receive } from "../../../os/lib/ipc.js";
import { restart, status } from "../../../os/lib/rs.js";

export async function main(): Promise<void> {
  try {
    const endpoint = await restart("ds");
    const ds = (await status()).find((s) => s.name === "ds");
    diag(endpoint === DS_PROC_NR && ds?.restarts === 1 && ds.state === "up" ? "PASS restart" : `FAIL restart ${JSON.stringify(ds)}`);
  } catch (e) {
    diag(`FAIL restart ${(e as Error).message}`);
  }
  for (;;) {
    const m = await receive();
    if (m.type === NOTIFY_MESSAGE && m.source === RS_PROC_NR) notify(RS_PROC_NR);
  }
}
