/**
 * MFS, the MINIX-like file system server. It serves VFS's requests one at a time
 * (fsproto.ts) on the disk the BLK driver gives it (bdev.ts), through a buffer cache
 * and an in-core inode table, writing changes back within SYNC_TICKS.
 */
import { receive } from "../../lib/ipc.js";
import { armSyncAlarm } from "./alarm.js";
import { server, vol } from "./state.js";
import { anythingDirty } from "./sync.js";
import { dispatch } from "./table.js";

/** Live update: the checks of a new version's state, and MFS's protocol-free state. */
export { checkInvariants, protocolFree } from "./invariants.js";

export async function main(): Promise<void> {
  for (;;) {
    // The update point: no request is half handled here.
    const m = server.deferred.shift() ?? (await receive());
    await dispatch(m);
    if (vol.mounted && anythingDirty()) armSyncAlarm();
  }
}
