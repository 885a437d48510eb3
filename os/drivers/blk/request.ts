/**
 * BDEV requests: every field is checked before a request may queue for the disk.
 */
import { BDEV } from "../../include/bdev.js";
import { EINVAL, ENOSYS, OK } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import { reply } from "../../lib/ipc.js";
import { blk, Transfer } from "./state.js";

/** Accept a request from the file system: answer it now (INFO, bad input) or queue it. */
export function bdevRequest(m: Message): void {
  switch (m.type) {
    case BDEV.INFO:
      reply(m, { type: OK, sectors: blk.sectors, sectorSize: blk.sectorSize });
      return;
    case BDEV.FLUSH:
      blk.queue.push(new Transfer(m, "flush", 0, 0, 0));
      return;
    case BDEV.READ:
    case BDEV.WRITE: {
      const { pos, count, grant } = m;
      const diskBytes = blk.sectors * blk.sectorSize;
      if (!isCount(pos) || !isCount(count) || !Number.isInteger(grant) || count === 0 ||
          pos % blk.sectorSize !== 0 || count % blk.sectorSize !== 0 || pos + count > diskBytes) {
        reply(m, { type: -EINVAL });
        return;
      }
      blk.queue.push(new Transfer(m, m.type === BDEV.READ ? "read" : "write", pos, count, grant as number));
      return;
    }
    default:
      reply(m, { type: -ENOSYS });
  }
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}
