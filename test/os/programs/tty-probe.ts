/**
 * Drives the TTY driver with raw CDEV requests. It runs in VFS's slot (the one
 * client TTY serves) and reports through TTY itself; a copy in DS's slot checks
 * that other senders are refused. The host types at the console when it sees a
 * "TYPE:<tag>" marker.
 */
import { CDEV } from "../../../os/include/cdev.js";
import { DS_PROC_NR, TTY_PROC_NR, VFS_PROC_NR } from "../../../os/include/com.js";
import { EFAULT, EINTR, EINVAL, ENODEV, ENOSYS, EPERM, errnoName } from "../../../os/include/errno.js";
import { GRANT_READ, GRANT_WRITE, slotOf, type Message } from "../../../os/include/ipc.js";
import { diag } from "../../../os/lib/diag.js";
import { grant, revoke, self, sendrec } from "../../../os/lib/ipc.js";
import { decodeUtf8, encodeUtf8 } from "../../../os/lib/utf8.js";
import { type Checks, assertEq, runChecks } from "./checks.js";

let nextId = 100;

/** Write `bytes` to the console through TTY; returns the reply. */
async function ttyWrite(bytes: Uint8Array | string, extra: Partial<Message> = {}): Promise<Message> {
  const data = typeof bytes === "string" ? encodeUtf8(bytes) : bytes;
  const g = grant(TTY_PROC_NR, data, 0, data.length, GRANT_READ);
  try {
    return await sendrec(TTY_PROC_NR, { type: CDEV.WRITE, minor: 0, count: data.length, grant: g, ...extra });
  } finally {
    revoke(g);
  }
}

/** Read up to `count` bytes through TTY: the status and the text. */
async function ttyRead(count: number, id = nextId++): Promise<{ status: number; text: string }> {
  const buf = new Uint8Array(Math.max(count, 1));
  const g = grant(TTY_PROC_NR, buf, 0, count, GRANT_WRITE);
  try {
    const r = await sendrec(TTY_PROC_NR, { type: CDEV.READ, minor: 0, count, grant: g, id });
    return { status: r.type, text: r.type === 0 ? decodeUtf8(buf.subarray(0, r.bytes as number)) : "" };
  } finally {
    revoke(g);
  }
}

/** Ask the host to type the input it has for `tag`. */
function typeNow(tag: string): Promise<Message> {
  return ttyWrite(`TYPE:${tag}\n`);
}

function expectStatus(r: Message | { status: number }, want: number, what: string): void {
  const got = ("status" in r ? r.status : r.type) as number;
  if (got !== want) throw new Error(`${what}: got ${errnoName(got) || got}, expected ${want === 0 ? "success" : errnoName(want)}`);
}

export const checks: Checks = {
  async "input typed before the driver started is kept"() {
    assertEq((await ttyRead(100)).text, "typed early\n", "first line");
  },

  async "reads wait for a whole line and are answered in order"() {
    const first = ttyRead(100);
    const second = ttyRead(100);
    await typeNow("two-lines");
    assertEq((await first).text, "one\n", "first reader");
    assertEq((await second).text, "two\n", "second reader");
  },

  async "backspace and delete erase the last character"() {
    const r = ttyRead(100);
    await typeNow("editing");
    assertEq((await r).text, "acx\n", "edited line");
  },

  async "Ctrl-D at the start of a line is end of file; elsewhere it ends the line"() {
    const eof = ttyRead(100);
    const after = ttyRead(100);
    await typeNow("eof");
    const e = await eof;
    expectStatus(e, 0, "end of file");
    assertEq(e.text, "", "zero bytes");
    assertEq((await after).text, "partial", "a line ended by Ctrl-D has no newline");
  },

  async "a short read takes part of a line; the rest stays"() {
    const a = ttyRead(3);
    await typeNow("long");
    assertEq((await a).text, "abc", "first part");
    assertEq((await ttyRead(100)).text, "defgh\n", "the rest");
  },

  async "a zero-byte read is answered at once"() {
    const r = await ttyRead(0);
    expectStatus(r, 0, "status");
    assertEq(r.text, "", "no data");
  },

  async "a cancelled read is answered with EINTR and takes no input"() {
    const held = ttyRead(100, 7);
    const c = await sendrec(TTY_PROC_NR, { type: CDEV.CANCEL, id: 7 });
    expectStatus(c, 0, "cancel");
    expectStatus(await held, -EINTR, "the cancelled read");
    expectStatus(await sendrec(TTY_PROC_NR, { type: CDEV.CANCEL, id: 7 }), 0, "cancelling again is harmless");
    const next = ttyRead(100);
    await typeNow("after-cancel");
    assertEq((await next).text, "kept\n", "the next reader gets the line");
  },

  async "a read into a bad grant fails with EFAULT and leaves the line"() {
    const bad = sendrec(TTY_PROC_NR, { type: CDEV.READ, minor: 0, count: 10, grant: 9999, id: nextId++ });
    await typeNow("bad-grant");
    expectStatus(await bad, -EFAULT, "bad grant");
    assertEq((await ttyRead(100)).text, "survivor\n", "line still there");
  },

  async "writes reach the console, a character split across writes included"() {
    const r = await ttyWrite("plain output ✓\n");
    expectStatus(r, 0, "write");
    assertEq(r.bytes, encodeUtf8("plain output ✓\n").length, "bytes written");
    const check = encodeUtf8("✓");
    await ttyWrite("split:");
    await ttyWrite(check.subarray(0, 1));
    await ttyWrite(check.subarray(1));
    await ttyWrite(":end\n");
    const big = "x".repeat(10_000);
    assertEq((await ttyWrite(`${big}\n`)).bytes, 10_001, "a write larger than one chunk");
  },

  async "bad requests are refused with an errno"() {
    expectStatus(await ttyWrite("x", { minor: 1 }), -ENODEV, "another minor");
    expectStatus(await sendrec(TTY_PROC_NR, { type: CDEV.OPEN, minor: 3 }), -ENODEV, "open of another minor");
    expectStatus(await sendrec(TTY_PROC_NR, { type: CDEV.OPEN, minor: 0 }), 0, "open");
    expectStatus(await sendrec(TTY_PROC_NR, { type: CDEV.CLOSE, minor: 0 }), 0, "close");
    expectStatus(await ttyWrite("x", { count: -1 }), -EINVAL, "negative count");
    expectStatus(await ttyWrite("x", { grant: "g" }), -EINVAL, "grant not a number");
    expectStatus(await ttyWrite("x", { grant: 4242 }), -EFAULT, "no such grant");
    expectStatus(await ttyWrite("abc", { count: 10 }), -EFAULT, "count beyond the grant");
    expectStatus(await sendrec(TTY_PROC_NR, { type: CDEV.READ, minor: 0, count: 5 }), -EINVAL, "read without grant");
    expectStatus(await sendrec(TTY_PROC_NR, { type: 12345 }), -ENOSYS, "unknown request");
    expectStatus(await sendrec(TTY_PROC_NR, { type: CDEV.CANCEL }), -EINVAL, "cancel without id");
  },
};

/** The copy in DS's slot: TTY serves VFS alone. */
async function intruder(): Promise<void> {
  const r = await sendrec(TTY_PROC_NR, { type: CDEV.OPEN, minor: 0 });
  diag(r.type === -EPERM ? "request from another process refused with EPERM" : `intruder got ${r.type}`);
}

export async function main(): Promise<number> {
  switch (slotOf(self())) {
    case DS_PROC_NR:
      await intruder();
      return 0;
    case VFS_PROC_NR:
      return runChecks(checks, async (line) => void (await ttyWrite(line)));
    default:
      return 1;
  }
}
