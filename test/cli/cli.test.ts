import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO } from "../support/image.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-cli-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function proteos(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO, "bin/proteos.mjs"), ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("proteos command line", () => {
  it("explains itself with --help on every subcommand", () => {
    const top = proteos("--help");
    expect(top.code).toBe(0);
    for (const cmd of ["boot", "mkfs", "fsck"]) {
      expect(top.stdout).toContain(cmd);
      const sub = proteos(cmd, "--help");
      expect(sub.code, cmd).toBe(0);
      expect(sub.stdout).toContain("--json");
    }
  });

  it("answers bad input with exit code 2 and a message naming the problem", () => {
    const unknown = proteos("boot", "--workload", "nope");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown workload 'nope'");
    const seed = proteos("boot", "--seed", "abc");
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain("--seed must be a non-negative integer");
    expect(proteos("boot", "--no-such-flag").code).toBe(2);
    expect(proteos("frobnicate").code).toBe(2);
    const missing = proteos("fsck", path.join(tmp, "absent.img"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such image");
  });

  it("boots a workload and prints one JSON summary", () => {
    const r = proteos("boot", "--workload", "proctree", "--json", "--seed", "9");
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.workload).toBe("proctree");
    expect(s.workloadErrors).toBe(0);
    expect(s.workloadOps).toBeGreaterThan(0);
    expect(s.end).toBe("halted");
    expect(s.uptimeTicks).toBeGreaterThan(0);
    const pm = s.servers.find((v: { name: string }) => v.name === "pm");
    expect(pm.calls).toBeGreaterThan(0);
  });

  it("makes, checks, and refuses to mount a corrupt disk image", () => {
    const img = path.join(tmp, "disk.img");
    expect(proteos("mkfs", img, "--size", "4").code).toBe(0);
    const clean = proteos("fsck", img, "--json");
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout).ok).toBe(true);
    // Scribble over the superblock (block 1 of 4 KiB blocks).
    const fd = fs.openSync(img, "r+");
    fs.writeSync(fd, Buffer.alloc(64, 0xab), 0, 64, 4096);
    fs.closeSync(fd);
    const dirty = proteos("fsck", img);
    expect(dirty.code).toBe(1);
    const boot = proteos("boot", "--disk", img, "--workload", "fsstress", "--quiet");
    expect(boot.code).toBe(2);
    expect(boot.stderr).toContain("cannot mount root file system");
  });
});
