/**
 * A live-update request with a package attached (RS.UPDATE {request, grant, size}): RS
 * passes the grant to the kernel, which copies the bytes in for the updater; bad grants
 * are refused with the reason and RS goes on serving; users may not ask at all. The
 * updater here is a stand-in that commits at once and says what it got.
 */
import { describe, expect, it } from "vitest";
import { SYSTEM } from "../../../../os/include/ipc.js";
import type { Kernel } from "../../../../os/kernel/kernel.js";
import type { Proc } from "../../../../os/kernel/proc.js";
import type { LiveUpdater, UpdateResult } from "../../../../os/kernel/update.js";
import { runScenario } from "../../../support/scenario.js";
import { fnv1a } from "../../programs/checksum.js";

const PROGRAM = "test/os/programs/rs-package.ts";

/** Commits every update at once; its reason names the attachment's size and hash. */
class StandInUpdater implements LiveUpdater {
  readonly requests: string[] = [];
  private readonly done: UpdateResult[] = [];

  constructor(private readonly kernel: Kernel) {}

  start(requestJson: string, requester: Proc, attachment?: Uint8Array): { id: number; services: string[] } {
    this.requests.push(requestJson);
    const id = this.requests.length;
    const reason = attachment ? `attachment ${attachment.length} ${fnv1a(attachment)}` : "no attachment";
    this.done.push({ id, outcome: "committed", reason, report: "{}" });
    this.kernel.ipc.notify(requester, SYSTEM);
    return { id, services: ["ds"] };
  }

  result(): UpdateResult | undefined {
    return this.done.shift();
  }
}

/** Run the scenario program as `who` with a StandInUpdater in the kernel. */
async function runAs(who: "root" | "user") {
  let updater: StandInUpdater | undefined;
  const r = await runScenario(PROGRAM, [who], {
    before: (sys) => {
      updater = new StandInUpdater(sys.kernel);
      sys.kernel.updater = updater;
    },
  });
  expect(r.status, r.output).toBe(0);
  return { output: r.output, requests: updater!.requests };
}

describe("RS.UPDATE with a package", () => {
  it("hands the package's bytes to the updater by grant, refuses bad grants with the reason, and keeps serving", async () => {
    const r = await runAs("root");
    // Two updates from update(), one raw: none of the bad grants reached the updater.
    expect(r.requests).toEqual(Array(3).fill(JSON.stringify({ package: true })));
    expect(r.output).toMatch(/rs: live update 1 of ds requested by endpoint \d+/);
  });

  it("refuses a user before looking at the package", async () => {
    expect((await runAs("user")).requests).toEqual([]);
  });
});
