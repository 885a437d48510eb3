/**
 * Moving a request's bytes: one chunk at a time through the DMA buffer. A write
 * chunk is copied from the requester's grant into the staging buffer and then into
 * the DMA buffer before the disk starts; a read chunk goes the other way after the
 * disk's interrupt. The request is answered when its last chunk is done.
 */
import { EBUSY, EIO, OK } from "../../include/errno.js";
import { GRANT_READ, GRANT_WRITE } from "../../include/ipc.js";
import { physcopy, reply, safecopy } from "../../lib/ipc.js";
import { startDisk, takeStatus } from "./device.js";
import { blk, type Transfer } from "./state.js";

/** Put requests from the queue on the disk until one is in service or none is left. */
export function startNext(): void {
  while (!blk.current) {
    const t = blk.queue.shift();
    if (!t) return;
    blk.current = t;
    startChunk(t);
  }
}

/** Prepare the next chunk of `t` and hand it to the disk; `t` is answered here if that fails. */
function startChunk(t: Transfer): void {
  t.chunk = t.op === "flush" ? 0 : Math.min(t.count - t.done, blk.dmaBytes);
  if (t.op === "write") {
    const r = safecopy(t.request.source!, t.grant, t.done, blk.staging, 0, t.chunk, GRANT_READ);
    if (r < 0) return finish(t, r);
    physcopy(blk.dmaAddr, blk.staging, 0, t.chunk, true);
  }
  submit(t);
}

function submit(t: Transfer): void {
  const r = startDisk(t.op, (t.pos + t.done) / blk.sectorSize, t.chunk / blk.sectorSize);
  if (r === OK) t.submitted = true;
  else if (r === -EBUSY) t.submitted = false; // still finishing an older request: retried on its interrupt
  else finish(t, -EIO);
}

/** The disk raised its interrupt: finish the chunk in flight and go on with the next. */
export function diskInterrupt(): void {
  const status = takeStatus();
  const t = blk.current;
  if (!t) return; // nothing of ours on the disk: a completion left by an earlier instance
  if (!t.submitted) return submit(t); // the device has become free
  if (!status) return; // no completion yet
  const sector = (t.pos + t.done) / blk.sectorSize;
  if (status.status === OK && (status.op !== t.op || status.sector !== sector || status.count !== t.chunk / blk.sectorSize)) {
    return; // not our chunk
  }
  t.submitted = false;
  if (status.status !== OK) return finish(t, -EIO);
  if (t.op === "read") {
    physcopy(blk.dmaAddr, blk.staging, 0, t.chunk, false);
    const r = safecopy(t.request.source!, t.grant, t.done, blk.staging, 0, t.chunk, GRANT_WRITE);
    if (r < 0) return finish(t, r);
  }
  t.done += t.chunk;
  if (t.done < t.count) startChunk(t);
  else finish(t, OK);
}

/** Answer `t` and free the disk for the next request. */
function finish(t: Transfer, status: number): void {
  reply(t.request, status === OK ? { type: OK, bytes: t.count } : { type: status });
  blk.current = null;
}
