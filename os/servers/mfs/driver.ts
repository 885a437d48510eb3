/**
 * Block I/O through the BLK driver. RS may kill BLK and start it again under the
 * same endpoint at any moment; a request that dies with it (EDEADSRCDST) is sent
 * again after a short sleep, up to MAX_TRIES times, so nothing above notices.
 */
import { BDEV } from "../../include/bdev.js";
import { BLK_PROC_NR } from "../../include/com.js";
import { EDEADSRCDST, EIO, errnoName } from "../../include/errno.js";
import { GRANT_READ, GRANT_WRITE, type Message } from "../../include/ipc.js";
import { diag } from "../../lib/diag.js";
import { IpcError, grant, revoke, sendrec } from "../../lib/ipc.js";
import { sleep } from "./alarm.js";
import { FsError } from "./error.js";

const MAX_TRIES = 100;
const RETRY_TICKS = 5;

/** Read `data.length` bytes of the device from byte `pos` into `data`. */
export async function readDevice(pos: number, data: Uint8Array): Promise<void> {
  await transfer(BDEV.READ, pos, data, `read at byte ${pos}`);
}

/** Write `data` to the device at byte `pos`. */
export async function writeDevice(pos: number, data: Uint8Array): Promise<void> {
  await transfer(BDEV.WRITE, pos, data, `write at byte ${pos}`);
}

/** Make every write so far durable. */
export async function flushDevice(): Promise<void> {
  await request({ type: BDEV.FLUSH }, "flush");
}

/** Size of the device in bytes. */
export async function deviceBytes(): Promise<number> {
  const r = await request({ type: BDEV.INFO }, "info");
  return Number(r.sectors) * Number(r.sectorSize);
}

async function transfer(type: number, pos: number, data: Uint8Array, what: string): Promise<void> {
  const r = await request({ type, pos, count: data.length }, what, data);
  if (r.bytes !== data.length) throw new FsError(EIO, `disk ${what} moved ${String(r.bytes)} bytes`);
}

/** Send `m` (with a grant over `data`, if given) until the driver answers it. */
async function request(m: Message, what: string, data?: Uint8Array): Promise<Message> {
  for (let attempt = 1; ; attempt++) {
    const r = await tryOnce(m, what, data);
    if (r) {
      if (r.type < 0) throw new FsError(EIO, `disk ${what} failed: ${errnoName(r.type)}`);
      if (attempt > 1) diag(`mfs: disk ${what} done after the driver came back (${attempt - 1} retries)`);
      return r;
    }
    if (attempt === MAX_TRIES) throw new FsError(EIO, `disk ${what}: the driver is gone`);
    await sleep(RETRY_TICKS);
  }
}

/** One try: the reply, or null if the driver was dead or died meanwhile. */
async function tryOnce(m: Message, what: string, data?: Uint8Array): Promise<Message | null> {
  let id = 0;
  if (data) {
    id = grant(BLK_PROC_NR, data, 0, data.length, m.type === BDEV.READ ? GRANT_WRITE : GRANT_READ);
    if (id < 0) throw new FsError(EIO, `disk ${what}: cannot grant the driver a buffer (${errnoName(id)})`);
  }
  try {
    return await sendrec(BLK_PROC_NR, data ? { ...m, grant: id } : m);
  } catch (e) {
    if (e instanceof IpcError && e.errno === EDEADSRCDST) return null;
    throw new FsError(EIO, `disk ${what}: ${String(e)}`);
  } finally {
    if (data) revoke(id);
  }
}
