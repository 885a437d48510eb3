import { beforeAll, describe, expect, it } from "vitest";
import { MemoryStore } from "../../../../hw/disk.js";
import { fsck } from "../../../../os/tools/fsck.js";
import { mkfs } from "../../../../os/tools/mkfs.js";
import { checks as restartChecks } from "../../programs/mfs-restart.js";
import { type ProgramRun, explain, runProgram } from "../../../support/program-run.js";

describe("MFS and BLK with other processes", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({
      only: ["blk", "mfs", "vfs", "ds", "rs"],
      programs: { vfs: "test/os/programs/mfs-mount.ts", ds: "test/os/programs/fs-outsiders.ts", rs: "test/os/programs/heartbeat.ts" },
      maxTicks: 100_000,
    });
  });

  it("serve VFS (MFS) and MFS (BLK) alone", () => {
    expect(run.output).toContain("ds: mfs answered an outsider with EPERM");
    expect(run.output).toContain("ds: blk answered an outsider with EPERM");
    expect(run.output).toContain("vfs: readsuper 0");
  });

  it("answer RS heartbeats", () => {
    expect(run.output).toContain("rs: heartbeat answered by blk");
    expect(run.output).toContain("rs: heartbeat answered by mfs");
  });
});

describe("MFS while the disk driver is killed and restarted", () => {
  const store = new MemoryStore(16384);
  let run: ProgramRun;
  beforeAll(async () => {
    mkfs(store);
    run = await runProgram({
      only: ["blk", "mfs", "vfs", "rs"],
      programs: { vfs: "test/os/programs/mfs-restart.ts", rs: "test/os/programs/blk-chaos.ts" },
      system: { diskStore: store, seed: 5 },
      maxTicks: 1_000_000,
    });
  });

  it("the driver was restarted while requests were in flight", () => {
    expect(run.output).toContain("rs: killed and restarted blk 20 times");
    expect(run.output).toMatch(/mfs: disk (read|write) at byte \d+ done after the driver came back/);
  });

  it.each(Object.keys(restartChecks))("%s", (name) => {
    expect(run.results.get(name), explain(run, name)).toBe("PASS");
  });

  it("leaves a consistent volume", () => {
    expect(fsck(store).errors).toEqual([]);
  });
});
