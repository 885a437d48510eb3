import { System } from "../../os/boot/system.js";
import type { RunEnd } from "../../os/kernel/kernel.js";
import { testImage } from "./image.js";

export interface ScenarioOptions {
  /** Boot-table entries to start (default: PM, DS, RS and init). */
  only?: string[];
  /** Extra test programs by name (repo-relative modules), for `programs` or exec. */
  extra?: Record<string, string>;
  /** Boot entry -> program, beside init -> the scenario program. */
  programs?: Record<string, string>;
  maxTicks?: number;
  seed?: number;
  /** Called once the system is booted, before it runs (e.g. to schedule host events on the clock). */
  before?: (sys: System) => void;
}

export interface ScenarioRun {
  sys: System;
  end: RunEnd;
  /** The status the machine halted with (init's exit code), or undefined if it did not halt. */
  status: number | undefined;
  output: string;
}

/**
 * Run one scenario of a test program in init's slot of a partial system without a
 * file system: `main(argv)` of `program` gets [scenario, ...args], and the machine
 * halts with init's exit status (PM shuts down when init ends). A failed check
 * crashes init, so the kernel's log on the console tells which one, and the
 * status is 128 + SIGSEGV.
 */
export async function runScenario(program: string, argv: string[], opts: ScenarioOptions = {}): Promise<ScenarioRun> {
  const sys = new System({
    seed: opts.seed ?? 1,
    format: "never",
    only: opts.only ?? ["pm", "ds", "rs", "init"],
    image: testImage({ scenario: program, ...opts.extra }),
    programs: { init: "scenario", ...opts.programs },
    initArgv: argv,
  });
  sys.boot();
  opts.before?.(sys);
  let end: RunEnd;
  try {
    end = await sys.run(opts.maxTicks ?? 100_000);
  } finally {
    sys.machine.powerOff();
  }
  return { sys, end, status: sys.kernel.halted?.status, output: sys.consoleOutput };
}
