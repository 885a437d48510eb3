import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { System } from "../../../os/boot/system.js";
import { FileStore } from "../../../hw/disk.js";
import { fsck } from "../../../os/tools/fsck.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Boot the shell on a disk image and type a script at its console. */
async function shell(disk: string, script: string, seed = 1): Promise<string> {
  const sys = new System({ seed, diskPath: disk, initArgv: ["sh", "-s"] });
  sys.machine.console.type(script + "exit\n");
  const end = await sys.runToEnd(200_000);
  expect(end).toBe("halted");
  return sys.consoleOutput;
}

describe("a file-backed disk", () => {
  it("keeps files across a reboot and stays consistent", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-"));
    dirs.push(dir);
    const disk = path.join(dir, "os.img");
    const first = await shell(disk, "mkdir /tmp/keep\necho persisted words > /tmp/keep/note\n");
    expect(first).not.toContain("error");
    expect(fs.existsSync(disk)).toBe(true);
    const second = await shell(disk, "cat /tmp/keep/note\nls /tmp/keep\n", 2);
    expect(second).toContain("persisted words");
    expect(second).toContain("note");
    const store = new FileStore(disk, 0);
    try {
      const report = fsck(store);
      expect(report.errors).toEqual([]);
      expect(report.ok).toBe(true);
    } finally {
      store.close();
    }
  });

  it("leaves no corruption behind after fsstress", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-"));
    dirs.push(dir);
    const disk = path.join(dir, "os.img");
    const sys = new System({ seed: 5, diskPath: disk, initArgv: ["fsstress", "200", "3"] });
    expect(await sys.runToEnd()).toBe("halted");
    expect(sys.consoleOutput).toMatch(/workload fsstress: ops=\d+ errors=0/);
    const store = new FileStore(disk, 0);
    try {
      expect(fsck(store).errors).toEqual([]);
    } finally {
      store.close();
    }
  });
});
