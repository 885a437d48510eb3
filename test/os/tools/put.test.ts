/**
 * put: host files written into a volume, checked by fsck and read back by the booted
 * OS byte for byte (a small text file with cat, a file spanning direct, single- and
 * double-indirect zones with a checksum program); replacing a file frees its old
 * zones; a directory grows a block for more entries; every refusal leaves the image
 * as it was; and `proteos put` on an image file.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileStore, MemoryStore, SECTOR_SIZE, type SectorStore } from "../../../hw/disk.js";
import { System } from "../../../os/boot/system.js";
import {
  BLOCK_SIZE, DIRENTS_PER_BLOCK, FIRST_DOUBLE_INDEX, STATE_DIRTY, SUPER_BLOCK, decodeSuper, encodeSuper,
} from "../../../os/servers/mfs/format.js";
import { fsck } from "../../../os/tools/fsck.js";
import { mkfs } from "../../../os/tools/mkfs.js";
import { put } from "../../../os/tools/put.js";
import { REPO, testImage } from "../../support/image.js";
import { fnv1a } from "../programs/checksum.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-put-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function volume(mib = 8): MemoryStore {
  const store = new MemoryStore((mib * 1024 * 1024) / SECTOR_SIZE);
  mkfs(store);
  return store;
}

function bytesOf(store: SectorStore): Uint8Array {
  const all = new Uint8Array(store.sectors * SECTOR_SIZE);
  store.read(0, all);
  return all;
}

/** Deterministic, non-repeating-looking contents. */
function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function expectClean(store: SectorStore) {
  const report = fsck(store);
  expect(report.errors).toEqual([]);
  return report.stats;
}

/** Boot the shell on `store` with the checksum program, type `script`, return the console. */
async function shell(store: SectorStore, script: string): Promise<string> {
  const sys = new System({
    seed: 1, diskStore: store, format: "never", initArgv: ["sh", "-s"],
    image: testImage({ checksum: "test/os/programs/checksum.ts" }),
  });
  sys.machine.console.type(script + "exit\n");
  expect(await sys.runToEnd(2_000_000)).toBe("halted");
  return sys.consoleOutput;
}

describe("put", () => {
  it("writes a small file the OS reads back, and a multi-MB one through every kind of zone", async () => {
    const store = volume(16);
    const before = expectClean(store);
    const text = new TextEncoder().encode("hello from the host\nsecond line\n");
    expect(put(store, "/etc/hello", text)).toMatchObject({ bytes: text.length, zones: 1, replaced: false });
    // Past the direct and single-indirect ranges: data, one single, one double and one second-level block.
    const size = (FIRST_DOUBLE_INDEX + 40) * BLOCK_SIZE + 123;
    const big = pattern(size, 7);
    const r = put(store, "/tmp/big.bin", big, { perms: 0o600 });
    const dataZones = Math.ceil(size / BLOCK_SIZE);
    expect(r).toMatchObject({ bytes: size, zones: dataZones + 3, replaced: false });
    const after = expectClean(store);
    expect(after.files).toBe(2);
    expect(after.usedInodes).toBe(before.usedInodes + 2);
    expect(after.usedZones).toBe(before.usedZones + 1 + dataZones + 3);

    const out = await shell(store, "cat /etc/hello\nchecksum /tmp/big.bin\nls -l /tmp\n");
    expect(out).toContain("hello from the host\nsecond line\n");
    expect(out).toContain(`/tmp/big.bin ${size} ${fnv1a(big)}`);
    expect(out).toMatch(/-rw------- .* big\.bin/);
    expectClean(store);
  }, 60_000);

  it("replaces an existing file's contents, freeing the zones it no longer needs", async () => {
    const store = volume();
    const first = put(store, "/etc/motd", pattern(200_000, 1));
    const used = expectClean(store).usedZones;
    const second = put(store, "/etc/motd", new TextEncoder().encode("short now\n"));
    expect(second).toMatchObject({ ino: first.ino, bytes: 10, zones: 1, replaced: true });
    expect(expectClean(store).usedZones).toBe(used - first.zones + 1);
    expect(await shell(store, "cat /etc/motd\n")).toContain("short now\n");
  }, 30_000);

  it("grows a directory by a block when its entries fill one, and reuses a freed slot", async () => {
    const store = volume();
    const count = DIRENTS_PER_BLOCK + 5; // /tmp starts with "." and ".."
    for (let i = 0; i < count; i++) put(store, `/tmp/f${i}`, new TextEncoder().encode(`file ${i}\n`));
    expectClean(store);
    const out = await shell(store, `cat /tmp/f0 /tmp/f${count - 1}\nrm /tmp/f3\n`);
    expect(out).toContain(`file 0\nfile ${count - 1}\n`);
    put(store, "/tmp/again", new TextEncoder().encode("in f3's slot\n"));
    expectClean(store);
    const listing = await shell(store, "ls /tmp\ncat /tmp/again\n");
    expect(listing).toContain("in f3's slot\n");
    expect(listing.indexOf("again")).toBeLessThan(listing.indexOf("f4")); // the slot f3 had, before f4
  }, 60_000);

  /** Mark the volume mounted, as a running system (or one that crashed) leaves it. */
  const leaveMounted = (s: MemoryStore) => {
    const block = new Uint8Array(BLOCK_SIZE);
    s.read(SUPER_BLOCK * 8, block);
    encodeSuper({ ...decodeSuper(block), state: STATE_DIRTY }, block);
    s.write(SUPER_BLOCK * 8, block);
  };
  const wipeSuper = (s: MemoryStore) => s.write(SUPER_BLOCK * 8, new Uint8Array(BLOCK_SIZE));

  it.each<[string, string, number, RegExp, ((s: MemoryStore) => void)?]>([
    ["a missing directory", "/nope/x", 1, /^\/nope: no such directory$/],
    ["a file in the way of a directory", "/dev/tty/x", 1, /^\/dev\/tty: not a directory$/],
    ["a directory at the path", "/etc", 1, /^\/etc: is a directory$/],
    ["a device at the path", "/dev/null", 1, /^\/dev\/null: exists and is not a regular file$/],
    ["a relative path", "etc/x", 1, /must be absolute/],
    ["a name too long", `/tmp/${"n".repeat(61)}`, 1, /longer than 60 bytes/],
    ["a file larger than the free space", "/tmp/huge", 9 * 1024 * 1024, /^disk full: no free zone/],
    ["a volume left mounted", "/tmp/x", 1, /not cleanly unmounted/, leaveMounted],
    ["a disk with no file system", "/tmp/x", 1, /^superblock: bad magic number/, wipeSuper],
  ])("refuses %s and leaves the image untouched", (_what, guestPath, size, reason, damage) => {
    const store = volume();
    put(store, "/tmp/kept", pattern(50_000, 3)); // something to keep
    damage?.(store);
    const image = bytesOf(store);
    expect(() => put(store, guestPath, pattern(size, 4))).toThrow(reason);
    expect(Buffer.compare(bytesOf(store), image)).toBe(0);
  });
});

describe("proteos put", () => {
  const proteos = (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(REPO, "bin/proteos.mjs"), ...args], { encoding: "utf8", timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("copies a host file into an image (fsck stays clean), and refuses a bad path with exit 2", () => {
    const image = path.join(tmp, "os.img");
    const host = path.join(tmp, "v2.pkg");
    fs.writeFileSync(host, pattern(30_000, 9));
    const made = new FileStore(image, (4 * 1024 * 1024) / SECTOR_SIZE);
    mkfs(made);
    made.close();
    const ok = proteos("put", image, host, "/etc/v2.pkg", "--json");
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ image, path: "/etc/v2.pkg", bytes: 30_000, replaced: false });
    const store = new FileStore(image, 0);
    try {
      expectClean(store);
    } finally {
      store.close();
    }
    const bad = proteos("put", image, host, "/etc/v2.pkg/x");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("/etc/v2.pkg: not a directory");
  }, 60_000);
});
