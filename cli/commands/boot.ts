import * as path from "node:path";
import { Command } from "commander";
import { BuildImage } from "../../instrumenter/build/image.js";
import { OS_ROOT } from "../../os/boot/plain-image.js";
import { System } from "../../os/boot/system.js";
import { PROGRAMS } from "../../os/boot/programs.js";
import type { RunEnd } from "../../os/kernel/kernel.js";
import { ControlSocketError, listenControl, statusOf, type ControlServer } from "../../runtime/control/server.js";
import { LiveSystem } from "../../runtime/live-system.js";
import { EXIT, UsageError, intOption } from "../errors.js";
import { summarize, formatSummary, type UpdateSummary } from "../summary.js";
import { collect, trustOption } from "../options.js";
import { IdleWait, Poke, stdinInput } from "../host-input.js";
import { runScheduled, scheduledUpdate } from "../scheduled-updates.js";
import { buildOrExplain } from "./build.js";

const BUILDS = ["plain", "instrumented"];
/** Where `--build instrumented` builds the OS by default: the repository's cache. */
const DEFAULT_BUILD_DIR = path.join(OS_ROOT, "..", ".cache", "build");

export const WORKLOADS = ["mixed", "fsstress", "proctree", "dsbench"];

/**
 * With a control socket, the run stops every this many ticks so that the host's event
 * loop turns and the socket is served even through a busy stretch (the loop turns by
 * itself only when every process is blocked: up to ~0.5 s apart under `mixed`; with
 * 10-tick slices ~0.1 s, at no measurable cost). Where a run is cut changes nothing
 * in it (the kernel's run loop guarantees it): virtual time stays deterministic.
 */
const CONTROL_SLICE_TICKS = 10;

interface BootOptions {
  workload: string; args?: string; seed: string; ticks?: string; disk?: string; interactive?: boolean; json?: boolean;
  quiet?: boolean; build: string; buildDir: string; control?: string; update: string[]; trust: string[];
}

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
    .option("--control <path>", "serve a control socket (Unix, mode 0600) for `proteos update`; the workload runs "
      + "from the shell, and the system stays up after it until a shutdown request, SIGINT or SIGTERM")
    .option("--update <package@tick>", "apply an update package when virtual time reaches TICK (repeatable)", collect, [])
    .option("--trust <public.pem>", "accept only update packages signed by this key (repeatable)", collect, [])
    .action(async (o: BootOptions) => {
      const seed = intOption("--seed", o.seed)!;
      const ticks = intOption("--ticks", o.ticks);
      if (!o.interactive && !WORKLOADS.includes(o.workload) && !Object.hasOwn(PROGRAMS, o.workload)) {
        throw new UsageError(`unknown workload '${o.workload}' (choose from ${WORKLOADS.join(", ")})`);
      }
      if (!BUILDS.includes(o.build)) throw new UsageError(`unknown build '${o.build}' (choose from ${BUILDS.join(", ")})`);
      const instrumented = o.build === "instrumented";
      for (const [given, flag] of [[o.update.length > 0, "--update"], [o.control !== undefined, "--control"], [o.trust.length > 0, "--trust"]] as const) {
        if (given && !instrumented) throw new UsageError(`${flag} needs --build instrumented: only an instrumented build can be updated live`);
      }
      const updates = o.update.map(scheduledUpdate);
      const trusted = trustOption(o.trust);
      let build: BuildImage | undefined;
      if (instrumented) {
        if (!buildOrExplain(OS_ROOT, o.buildDir).ok) return;
        build = new BuildImage(o.buildDir);
      }
      const echo = !o.json && !o.quiet;
      const command = [o.workload, ...(o.args ? o.args.split(/\s+/).filter(Boolean) : [])];
      // With a control socket the workload is typed into a shell, which is still there when it ends.
      const initArgv = o.interactive ? ["sh"] : o.control !== undefined ? ["sh", "-s"] : command;
      let sys: System;
      let liveSystem: LiveSystem | undefined;
      try {
        const opts = { seed, diskPath: o.disk, initArgv, consoleSink: echo || o.interactive ? (t: string) => process.stdout.write(t) : undefined };
        // An instrumented system can be updated live (`service update` in its shell, packages).
        liveSystem = build ? new LiveSystem({ ...opts, image: build, trusted }) : undefined;
        sys = liveSystem?.system ?? new System(opts);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const idle = new IdleWait();
      let control: ControlServer | undefined;
      if (o.control !== undefined) {
        const poke = new Poke(idle.arrived);
        idle.add(poke);
        control = await serveControl(o.control, liveSystem!, poke);
      }
      if (o.interactive) idle.add(stdinInput(sys, idle.arrived));
      const started = performance.now();
      let run: { end: RunEnd; updates: UpdateSummary[] };
      try {
        try {
          sys.boot();
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        if (o.control !== undefined && !o.interactive) sys.machine.console.type(`${command.join(" ")}\n`);
        run = await runScheduled(sys, liveSystem, { ticks, updates, slice: control ? CONTROL_SLICE_TICKS : undefined,
          idleWait: idle.empty ? undefined : idle.wait });
      } finally {
        await control?.close();
      }
      sys.machine.powerOff();
      const summary = summarize(sys, o.interactive ? undefined : o.workload, run.end, performance.now() - started);
      if (updates.length > 0) summary.updates = run.updates;
      if (o.json) process.stdout.write(JSON.stringify(summary) + "\n");
      else if (!o.interactive) process.stdout.write(formatSummary(summary));
      if (summary.mountError) {
        process.stderr.write(`proteos: ${summary.mountError}\n`);
        process.exitCode = EXIT.BAD_INPUT;
      } else if (!o.interactive && (summary.workloadErrors !== 0 || summary.workloadOps === null)) {
        process.exitCode = EXIT.FAILED;
      } else if (run.updates.some((u) => u.outcome !== "committed")) {
        process.exitCode = EXIT.FAILED;
      }
      if (o.interactive) process.stdin.pause();
    });
}

/** The control socket, bound to this system: a bad path is bad input. Signals shut the system down. */
async function serveControl(socketPath: string, live: LiveSystem, poke: Poke): Promise<ControlServer> {
  const kernel = live.system.kernel;
  const halt = (status: number) => {
    kernel.halt(status);
    poke.poke();
  };
  const onSigint = () => halt(130);
  const onSigterm = () => halt(143);
  let server: ControlServer;
  try {
    server = await listenControl(socketPath, {
      update: (pkg, options) => {
        if (kernel.halted) throw new Error("the system has halted: there is nothing to update");
        const report = live.applyPackage(pkg, options);
        poke.poke();
        return report;
      },
      status: () => statusOf(live),
      shutdown: () => halt(0),
    });
  } catch (e) {
    if (e instanceof ControlSocketError) throw new UsageError(e.message);
    throw e;
  }
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  return {
    path: server.path,
    close: () => {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigterm);
      return server.close();
    },
  };
}

