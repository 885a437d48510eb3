/**
 * Checks of the disk driver through raw BDEV requests. Runs in MFS's slot (the
 * one client BLK serves) on a 16384-sector disk; the host then looks at the disk
 * itself (see blk.test.ts for where each check leaves its data).
 */
import { BDEV } from "../../../os/include/bdev.js";
import { BLK_PROC_NR } from "../../../os/include/com.js";
import { EFAULT, EINVAL, ENOSYS, EPERM } from "../../../os/include/errno.js";
import { GRANT_READ, GRANT_WRITE, type Message } from "../../../os/include/ipc.js";
import { grant, revoke, sendrec } from "../../../os/lib/ipc.js";
import { assert, assertEq, type Checks } from "./checks.js";
import { firstDifference, pattern, runLogged } from "./mfs-lib.js";

export const DISK_SECTORS = 16384;

async function transfer(type: number, pos: number, buf: Uint8Array, count = buf.length): Promise<Message> {
  const g = grant(BLK_PROC_NR, buf, 0, buf.length, type === BDEV.READ ? GRANT_WRITE : GRANT_READ);
  try {
    return await sendrec(BLK_PROC_NR, { type, pos, count, grant: g });
  } finally {
    revoke(g);
  }
}

async function write(pos: number, data: Uint8Array): Promise<void> {
  const r = await transfer(BDEV.WRITE, pos, data);
  assertEq(r.type, 0, `write at ${pos}`);
  assertEq(r.bytes, data.length, `bytes written at ${pos}`);
}

async function read(pos: number, count: number): Promise<Uint8Array> {
  const buf = new Uint8Array(count);
  const r = await transfer(BDEV.READ, pos, buf);
  assertEq(r.type, 0, `read at ${pos}`);
  assertEq(r.bytes, count, `bytes read at ${pos}`);
  return buf;
}

function assertSame(actual: Uint8Array, expected: Uint8Array, what: string): void {
  const at = firstDifference(actual, expected);
  assert(at < 0, `${what}: differs at byte ${at}`);
}

export const checks: Checks = {
  "INFO reports the size of the disk": async () => {
    const r = await sendrec(BLK_PROC_NR, { type: BDEV.INFO });
    assertEq(r.type, 0, "status");
    assertEq(r.sectors, DISK_SECTORS, "sectors");
    assertEq(r.sectorSize, 512, "sector size");
  },

  "writes and reads single sectors, up to the last one": async () => {
    await write(0, pattern(1, 512));
    await write((DISK_SECTORS - 1) * 512, pattern(2, 512));
    assertSame(await read(0, 512), pattern(1, 512), "first sector");
    assertSame(await read((DISK_SECTORS - 1) * 512, 512), pattern(2, 512), "last sector");
  },

  "moves requests larger than its DMA buffer in pieces": async () => {
    const data = pattern(3, 100 * 1024);
    await write(1024 * 1024, data);
    assertSame(await read(1024 * 1024, data.length), data, "read back whole");
    assertSame(await read(1024 * 1024 + 40_960, 8_192), data.subarray(40_960, 49_152), "a piece of it");
  },

  "serves requests one at a time, in the order they came": async () => {
    const pos = 2 * 1024 * 1024;
    const first = pattern(4, 4096);
    const second = pattern(5, 4096);
    const back = new Uint8Array(4096);
    const replies = await Promise.all([
      transfer(BDEV.WRITE, pos, first),
      transfer(BDEV.WRITE, pos, second),
      transfer(BDEV.READ, pos, back),
      transfer(BDEV.WRITE, pos + 4096, first),
    ]);
    for (const r of replies) assertEq(r.type, 0, "status");
    assertSame(back, second, "the read saw the second write");
    assertSame(await read(pos + 4096, 4096), first, "the last write");
  },

  "FLUSH is answered": async () => {
    assertEq((await sendrec(BLK_PROC_NR, { type: BDEV.FLUSH })).type, 0, "status");
  },

  "refuses bad requests and keeps serving": async () => {
    const buf = new Uint8Array(1024);
    const g = grant(BLK_PROC_NR, buf, 0, buf.length, GRANT_WRITE);
    const bad: Array<[Message, number, string]> = [
      [{ type: BDEV.READ, pos: 100, count: 512, grant: g }, EINVAL, "position not on a sector"],
      [{ type: BDEV.READ, pos: 0, count: 100, grant: g }, EINVAL, "count not whole sectors"],
      [{ type: BDEV.READ, pos: 0, count: 0, grant: g }, EINVAL, "count 0"],
      [{ type: BDEV.READ, pos: -512, count: 512, grant: g }, EINVAL, "negative position"],
      [{ type: BDEV.READ, pos: DISK_SECTORS * 512, count: 512, grant: g }, EINVAL, "past the end"],
      [{ type: BDEV.READ, pos: (DISK_SECTORS - 1) * 512, count: 1024, grant: g }, EINVAL, "running over the end"],
      [{ type: BDEV.READ, pos: "0", count: 512, grant: g }, EINVAL, "position as a string"],
      [{ type: BDEV.READ, pos: 0, count: 512 }, EINVAL, "no grant"],
      [{ type: BDEV.READ, pos: 0, count: 512, grant: 1.5 }, EINVAL, "fractional grant"],
      [{ type: BDEV.READ, pos: 0, count: 512, grant: 99_999 }, EPERM, "a grant that does not exist (read)"],
      [{ type: BDEV.WRITE, pos: 0, count: 512, grant: 99_999 }, EPERM, "a grant that does not exist (write)"],
      [{ type: BDEV.WRITE, pos: 0, count: 512, grant: g }, EPERM, "a grant without read access"],
      [{ type: BDEV.READ, pos: 0, count: 4096, grant: g }, EFAULT, "a grant smaller than count"],
      [{ type: BDEV.READ + 0x20 }, ENOSYS, "unknown request"],
    ];
    for (const [m, errno, what] of bad) assertEq((await sendrec(BLK_PROC_NR, m)).type, -errno, what);
    revoke(g);
    assertSame(await read(0, 512), pattern(1, 512), "still serving");
  },
};

export async function main(): Promise<void> {
  await runLogged(checks);
}
