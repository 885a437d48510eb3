/**
 * Processes that must not get service: run in DS's slot, it sends MFS a file
 * system request and BLK a block request, and logs what each answered.
 */
import { BDEV } from "../../../os/include/bdev.js";
import { BLK_PROC_NR, MFS_PROC_NR } from "../../../os/include/com.js";
import { errnoName } from "../../../os/include/errno.js";
import { REQ } from "../../../os/include/fsproto.js";
import { diag } from "../../../os/lib/diag.js";
import { sendrec } from "../../../os/lib/ipc.js";

export async function main(): Promise<void> {
  const fsReply = await sendrec(MFS_PROC_NR, { type: REQ.LOOKUP, dirIno: 1, name: "tmp" });
  diag(`mfs answered an outsider with ${errnoName(fsReply.type)}`);
  const blkReply = await sendrec(BLK_PROC_NR, { type: BDEV.READ, pos: 0, count: 512, grant: 1 });
  diag(`blk answered an outsider with ${errnoName(blkReply.type)}`);
}
