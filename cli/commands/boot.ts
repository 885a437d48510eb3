import * as path from "node:path";
import { Command } from "commander";
import { BuildImage } from "../../instrumenter/build/image.js";
import { LiveUpdateEngine } from "../../runtime/update/engine.js";
import { OS_ROOT } from "../../os/boot/plain-image.js";
import { System } from "../../os/boot/system.js";
import { PROGRAMS } from "../../os/boot/programs.js";
import type { ImageSource } from "../../os/kernel/image.js";
import { EXIT, UsageError, intOption } from "../errors.js";
import { summarize, formatSummary } from "../summary.js";
import { buildOrExplain } from "./build.js";

const BUILDS = ["plain", "instrumented"];
/** Where `--build instrumented` builds the OS by default: the repository's cache. */
const DEFAULT_BUILD_DIR = path.join(OS_ROOT, "..", ".cache", "build");

export const WORKLOADS = ["mixed", "fsstress", "proctree", "dsbench"];

export function bootCommand(): Command {
  return new Command("boot")
    .description("boot the OS on the simulated machine and run a workload (or the shell)")
    .option("--workload <name>", `workload to run: ${WORKLOADS.join(", ")}`, "mixed")
    .option("--args <args>", "arguments for the workload, space separated")
    .option("--seed <n>", "seed of the machine (every run with the same seed replays exactly)", "1")
    .option("--ticks <n>", "stop after this much virtual time")
    .option("--disk <path>", "disk image file (created and formatted if missing; kept across boots)")
    .option("--interactive", "run the shell on this terminal's console")
    .option("--json", "print one JSON summary object on stdout")
    .option("--quiet", "do not echo the OS console")
    .option("--build <kind>", `which build of the OS to run: ${BUILDS.join(" or ")}`, "plain")
    .option("--build-dir <dir>", "directory of the instrumented build (built or brought up to date first)", DEFAULT_BUILD_DIR)
    .action(async (o: { workload: string; args?: string; seed: string; ticks?: string; disk?: string;
      interactive?: boolean; json?: boolean; quiet?: boolean; build: string; buildDir: string }) => {
      const seed = intOption("--seed", o.seed)!;
      const ticks = intOption("--ticks", o.ticks);
      if (!o.interactive && !WORKLOADS.includes(o.workload) && !Object.hasOwn(PROGRAMS, o.workload)) {
        throw new UsageError(`unknown workload '${o.workload}' (choose from ${WORKLOADS.join(", ")})`);
      }
      if (!BUILDS.includes(o.build)) throw new UsageError(`unknown build '${o.build}' (choose from ${BUILDS.join(", ")})`);
      let image: ImageSource | undefined;
      let build: BuildImage | undefined;
      if (o.build === "instrumented") {
        if (!buildOrExplain(OS_ROOT, o.buildDir).ok) return;
        image = build = new BuildImage(o.buildDir);
      }
      const echo = !o.json && !o.quiet;
      const initArgv = o.interactive ? ["sh"] : [o.workload, ...(o.args ? o.args.split(/\s+/).filter(Boolean) : [])];
      let sys: System;
      try {
        sys = new System({ seed, diskPath: o.disk, initArgv, image, consoleSink: echo || o.interactive ? (t) => process.stdout.write(t) : undefined });
        // An instrumented system can be updated live (`service update` in its shell).
        if (build) sys.kernel.updater = new LiveUpdateEngine(sys.kernel, build);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const started = performance.now();
      try {
        sys.boot();
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const end = await sys.run(ticks, o.interactive ? stdinFeeder(sys) : undefined);
      sys.machine.powerOff();
      const summary = summarize(sys, o.interactive ? undefined : o.workload, end, performance.now() - started);
      if (o.json) process.stdout.write(JSON.stringify(summary) + "\n");
      else if (!o.interactive) process.stdout.write(formatSummary(summary));
      if (summary.mountError) {
        process.stderr.write(`proteos: ${summary.mountError}\n`);
        process.exitCode = EXIT.BAD_INPUT;
      } else if (!o.interactive && (summary.workloadErrors !== 0 || summary.workloadOps === null)) {
        process.exitCode = EXIT.FAILED;
      }
      if (o.interactive) process.stdin.pause();
    });
}

/**
 * In interactive mode, what is typed becomes console input; the run waits for it when
 * idle. On a terminal the OS's TTY driver does the echo and line editing (raw mode),
 * and Ctrl-C powers the machine off.
 */
function stdinFeeder(sys: System): () => Promise<boolean> {
  const pending: string[] = [];
  let wake: ((more: boolean) => void) | undefined;
  let ended = false;
  let eofSent = false;
  process.stdin.setEncoding("utf8");
  if (process.stdin.isTTY) {
    process.stdin.setRawMode(true);
    process.once("exit", () => process.stdin.setRawMode(false));
  }
  process.stdin.on("data", (chunk: string) => {
    if (process.stdin.isTTY && chunk.includes("\x03")) {
      process.stdout.write("^C\nproteos: powering off\n");
      sys.kernel.halt(130);
      ended = true;
    } else pending.push(chunk);
    wake?.(true);
  });
  process.stdin.on("end", () => {
    ended = true;
    wake?.(true);
  });
  return () => new Promise<boolean>((resolve) => {
    const deliver = () => {
      wake = undefined;
      if (pending.length > 0) {
        sys.machine.console.type(pending.splice(0).join(""));
        resolve(true);
      } else if (ended && !eofSent) {
        sys.machine.console.type("\x04"); // end of input: Ctrl-D
        eofSent = true;
        resolve(true);
      } else resolve(false);
    };
    if (pending.length > 0 || ended) deliver();
    else wake = () => deliver();
  });
}
