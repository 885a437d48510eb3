import * as path from "node:path";
import { Command } from "commander";
import { BuildImage } from "../../instrumenter/build/image.js";
import { OS_ROOT } from "../../os/boot/plain-image.js";
import { System } from "../../os/boot/system.js";
import { PROGRAMS } from "../../os/boot/programs.js";
import type { RunEnd } from "../../os/kernel/kernel.js";
import { ControlSocketError, listenControl, statusOf, type ControlServer } from "../../runtime/control/server.js";
import { LiveSystem } from "../../runtime/live-system.js";
import type { UpdateReport } from "../../runtime/update/report.js";
import { EXIT, UsageError, intOption } from "../errors.js";
import { summarize, formatSummary, type UpdateSummary } from "../summary.js";
import { collect, readPackageFile, trustOption } from "../options.js";
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

/** An update package to apply at a virtual time. */
export interface ScheduledUpdate {
  /** The file, as given. */
  package: string;
  text: string;
  tick: number;
}

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

/** `--update PACKAGE@TICK`: the file is read now, so a missing one is bad input before boot. */
function scheduledUpdate(spec: string): ScheduledUpdate {
  const at = spec.lastIndexOf("@");
  if (at <= 0) throw new UsageError(`--update expects PACKAGE@TICK, got '${spec}'`);
  const file = spec.slice(0, at);
  const tick = intOption("--update tick", spec.slice(at + 1))!;
  return { package: file, text: readPackageFile(file, "--update"), tick };
}

/**
 * Run the system to its end (halted, idle, or `ticks`), applying each scheduled update
 * package when virtual time reaches its tick; with `slice`, the run stops that often
 * (see CONTROL_SLICE_TICKS). Returns how the run ended and what became of each update:
 * one the run never reached was rejected, one still under way when it ended did not
 * commit (the old versions ran on).
 */
export async function runScheduled(sys: System, live: LiveSystem | undefined, opts: {
  ticks?: number; updates: readonly ScheduledUpdate[]; slice?: number; idleWait?: () => Promise<boolean>;
}): Promise<{ end: RunEnd; updates: UpdateSummary[] }> {
  const clock = sys.machine.clock;
  const limit = opts.ticks ?? Infinity;
  const todo = [...opts.updates].sort((a, b) => a.tick - b.tick);
  const applied: Array<{ update: ScheduledUpdate; report?: UpdateReport }> = [];
  let end: RunEnd;
  for (;;) {
    const stop = Math.min(limit, todo[0]?.tick ?? Infinity, opts.slice === undefined ? Infinity : clock.now + opts.slice);
    end = await sys.run(stop === Infinity ? undefined : stop, opts.idleWait);
    if (end !== "ticks") break;
    // Updates due at the limit are applied too, before the run stops: one that takes
    // no time (refused, or installing only) ends there; any other is cut by the stop.
    while (todo.length > 0 && todo[0]!.tick <= clock.now) {
      const entry: (typeof applied)[number] = { update: todo.shift()! };
      applied.push(entry);
      void live!.applyPackage(entry.update.text).then((r) => {
        entry.report = r;
      });
    }
    if (clock.now >= limit) break;
  }
  await new Promise((r) => setImmediate(r)); // reports of packages refused at once
  const ended = `the run ended (${end}) at tick ${clock.now}`;
  const updates: UpdateSummary[] = applied.map(({ update, report }) => ({
    package: update.package, tick: update.tick,
    ...(report
      ? {
        outcome: report.outcome, reason: report.reason, components: report.components.map((c) => c.name), phases: report.phases,
        warnings: report.components.flatMap((c) => c.warnings.map((w) => `${c.name}: ${w}`)),
      }
      : { outcome: "rolled-back" as const, reason: `${ended} before the update did: nothing was committed`, components: [], phases: [], warnings: [] }),
  }));
  for (const update of todo) {
    updates.push({ package: update.package, tick: update.tick, outcome: "rejected", reason: `${ended}, before tick ${update.tick}`,
      components: [], phases: [], warnings: [] });
  }
  return { end, updates };
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

/** Something from outside the machine that can give it work while it is idle. */
interface HostInput {
  /** Hand the machine what has arrived; true if there was anything. */
  deliver(): boolean;
  /** Nothing more will arrive. */
  readonly ended: boolean;
}

/**
 * The run's wait when the machine is idle (every process blocked, no timer): resolves
 * true as soon as an input delivers something (the run goes on), false once every
 * input has ended (the run ends idle).
 */
class IdleWait {
  private readonly inputs: HostInput[] = [];
  private look: (() => void) | undefined;

  add(input: HostInput): void {
    this.inputs.push(input);
  }

  get empty(): boolean {
    return this.inputs.length === 0;
  }

  /** Something arrived: a wait under way looks again. */
  readonly arrived = (): void => this.look?.();

  readonly wait = (): Promise<boolean> => new Promise<boolean>((resolve) => {
    this.look = () => {
      const delivered = this.inputs.map((i) => i.deliver()).some(Boolean);
      if (!delivered && !this.inputs.every((i) => i.ended)) return;
      this.look = undefined;
      resolve(delivered);
    };
    this.look();
  });
}

/** The control socket's part in the idle wait: a request it carried out may have given the machine work. */
class Poke implements HostInput {
  private poked = false;
  readonly ended = false;

  constructor(private readonly arrived: () => void) {}

  poke(): void {
    this.poked = true;
    this.arrived();
  }

  deliver(): boolean {
    const poked = this.poked;
    this.poked = false;
    return poked;
  }
}

/**
 * In interactive mode, what is typed becomes console input, delivered when the machine
 * is idle. On a terminal the OS's TTY driver does the echo and line editing (raw mode),
 * and Ctrl-C powers the machine off.
 */
function stdinInput(sys: System, arrived: () => void): HostInput {
  const pending: string[] = [];
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
    arrived();
  });
  process.stdin.on("end", () => {
    ended = true;
    arrived();
  });
  return {
    deliver: () => {
      if (pending.length > 0) {
        sys.machine.console.type(pending.splice(0).join(""));
        return true;
      }
      if (ended && !eofSent) {
        sys.machine.console.type("\x04"); // end of input: Ctrl-D
        eofSent = true;
        return true;
      }
      return false;
    },
    get ended() {
      return ended && eofSent;
    },
  };
}
