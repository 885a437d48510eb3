import { beforeAll, expect, it } from "vitest";
import { INIT_PROC_NR, PM_PROC_NR } from "../../os/include/com.js";
import { System, type SystemOptions } from "../../os/boot/system.js";
import type { Death, RunEnd } from "../../os/kernel/kernel.js";
import { PRIORITY, systemPriv } from "../../os/kernel/priv.js";
import { testImage } from "./image.js";

/** Console input to type: at once (before boot) or when `after` first appears in the output. */
export interface ScriptedInput {
  after?: string;
  text: string;
}

export interface ProgramRunOptions {
  /** Test programs (repo-relative modules) to run instead of boot-table entries, by entry name, e.g. { init: … }. */
  programs: Record<string, string>;
  /** Boot-table entries to start. Default: the file system stack with init. */
  only?: string[];
  input?: ScriptedInput[];
  maxTicks?: number;
  /** Anything else for System (a disk store, no formatting, a seed). */
  system?: Partial<SystemOptions>;
}

export interface ProgramRun {
  sys: System;
  end: RunEnd;
  output: string;
  /** Check name -> "PASS" or the failure, as reported by test/os/programs/checks.ts. */
  results: Map<string, string>;
  /** How init ended, when PM is not running (a stand-in watcher collects it). */
  initDeath?: Death;
}

export const FS_STACK = ["blk", "mfs", "vfs", "tty", "init"];

/** Boot a partial system running test programs, run it to the end, and collect what they reported. */
export async function runProgram(opts: ProgramRunOptions): Promise<ProgramRun> {
  const only = opts.only ?? FS_STACK;
  const pending = [...(opts.input ?? [])];
  let seen = "";
  let sys: System | undefined = undefined;
  const typeReady = () => {
    while (pending.length > 0 && (pending[0]!.after === undefined || seen.includes(pending[0]!.after))) {
      const { after, text } = pending.shift()!;
      if (after !== undefined) seen = seen.slice(seen.indexOf(after) + after.length);
      sys!.machine.console.type(text);
    }
  };
  const image: Record<string, string> = { watcher: "test/os/programs/echo-server.ts" };
  const programs: Record<string, string> = {};
  for (const [entry, module] of Object.entries(opts.programs)) {
    image[`test-${entry}`] = module;
    programs[entry] = `test-${entry}`;
  }
  sys = new System({
    seed: 1,
    ...opts.system,
    only,
    image: testImage(image),
    programs,
    consoleSink: (text) => {
      seen += text;
      // Typing raises an interrupt: do it after the kernel call that printed this.
      if (pending.length > 0) queueMicrotask(typeReady);
    },
  });
  if (!only.includes("pm")) {
    // Without PM, a placeholder that never runs stands in slot 0 to collect init's death.
    sys.kernel.createProc(PM_PROC_NR, "watcher", "watcher", systemPriv("all", PRIORITY.SERVER), PM_PROC_NR, "main", [])
      .state = "running";
  }
  typeReady();
  sys.boot();
  let end: RunEnd;
  try {
    end = await sys.run(opts.maxTicks ?? 2_000_000);
  } finally {
    sys.machine.powerOff();
  }
  const output = sys.consoleOutput;
  return { sys, end, output, results: parseResults(output), initDeath: sys.kernel.deaths.get(PM_PROC_NR)?.find((d) => d.endpoint === INIT_PROC_NR) };
}

/** Report lines may follow echoed input on the same console line, so a report is found anywhere in a line. */
function parseResults(output: string): Map<string, string> {
  const results = new Map<string, string>();
  for (const line of output.split("\n")) {
    const m = /(PASS|FAIL) (.+)$/.exec(line);
    if (!m) continue;
    const [, verdict, rest] = m as unknown as [string, string, string];
    if (verdict === "PASS") results.set(rest, "PASS");
    else results.set(rest.includes(": ") ? rest.slice(0, rest.indexOf(": ")) : rest, `FAIL ${rest}`);
  }
  return results;
}

/** What to show when a check did not pass: its report, or the end of the console output if it made none. */
export function explain(run: ProgramRun, name: string): string {
  return run.results.get(name) ?? `no report for "${name}"; console ends with:\n${run.output.slice(-3000)}`;
}

/**
 * The standard tests of a probe program: run it once before the enclosing block's
 * tests, check that it ran to its end (`end`: init returned 0, or the probe printed
 * "CHECKS DONE 0 failed"), and that each named check passed. Returns the run, for the
 * block's own further tests. `opts` is called in the hook, so it may prepare a disk.
 */
export function programChecks(checks: Record<string, unknown>, opts: () => ProgramRunOptions,
  end?: "init" | "marker"): () => ProgramRun {
  let run: ProgramRun | undefined;
  beforeAll(async () => {
    run = await runProgram(opts());
  });
  if (end === "init") {
    it("runs every check to the end", () => {
      expect(run!.initDeath, run!.output.slice(-3000)).toMatchObject({ reason: "returned", status: 0 });
    });
  } else if (end === "marker") {
    it("runs every check to the end", () => {
      expect(run!.output.slice(-3000)).toContain("CHECKS DONE 0 failed");
    });
  }
  it.each(Object.keys(checks))("%s", (name) => {
    expect(run!.results.get(name), explain(run!, name)).toBe("PASS");
  });
  return () => run!;
}
