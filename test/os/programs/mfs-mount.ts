/**
 * Runs in VFS's slot: try to mount whatever is on the disk and log the answer
 * ("readsuper <status> <why>"), then check the server still answers.
 */
import { REQ } from "../../../os/include/fsproto.js";
import { diag } from "../../../os/lib/diag.js";
import { FsClient } from "./mfs-lib.js";

export async function main(): Promise<void> {
  const fs = new FsClient();
  const r = await fs.call({ type: REQ.READSUPER });
  diag(`readsuper ${r.type} ${String(r.why ?? "")}`);
  const after = await fs.call({ type: REQ.STAT, ino: 1 });
  diag(`stat after ${after.type}`);
  if (r.type === 0) await fs.unmount();
}
