/**
 * service: administer system services through RS.
 *
 *   service status                      every service RS manages
 *   service restart NAME                kill and restart a service
 *   service update NAME... [options]    live-update services, all together or none
 *     --version LABEL    the staged version to run (default: the one running: an identity update)
 *     --state STATE      work-free | request-free (default) | protocol-free
 *     --filter EXPR      a state filter over each service's own variables
 *     --hold-from WHO    hold back messages from WHO while draining (users, system, a service, an endpoint)
 *     --hold-type N      hold back messages of type N
 *     --maxtime TICKS    give up (roll back) after TICKS (default 2000)
 *     --likely MODE      off | warn (default) | fail: likely invariants
 *   service update --package PATH [NAME...] [options]
 *                      apply the update package in file PATH (made by `proteos diff`, put on
 *                      the disk with `proteos put`): every running service it changes, or only
 *                      the NAMEs; each waits for the state and gets the interface filters the
 *                      package suggests unless the options above (but --version) say otherwise
 *
 * update exits 0 when the update committed, 1 when it was rolled back, 2 when refused.
 */
import type { ComponentUpdate, InterfaceFilter, LiveUpdateRequest, QuiescentState } from "../../include/rs.js";
import { SysError } from "../../lib/errors.js";
import { readFile } from "../../lib/fs.js";
import { restart, status, update } from "../../lib/rs.js";
import { eprintln, println } from "../../lib/stdio.js";

const USAGE = "usage: service status | service restart NAME | service update NAME... [--version L] [--state S] "
  + "[--filter EXPR] [--hold-from WHO] [--hold-type N] [--maxtime TICKS] [--likely off|warn|fail] "
  + "| service update --package PATH [NAME...] [the options but --version]";

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case "status":
        return await showStatus();
      case "restart":
        if (args.length !== 1) break;
        await println(`${args[0]!}: restarted at endpoint ${await restart(args[0]!)}`);
        return 0;
      case "update":
        return await doUpdate(args);
    }
  } catch (e) {
    if (!(e instanceof SysError) && !(e instanceof UsageError)) throw e;
    await eprintln(`service: ${e.message}`);
    return 2;
  }
  await eprintln(USAGE);
  return 2;
}

class UsageError extends Error {}

async function showStatus(): Promise<number> {
  await println("NAME      ENDPT STATE     RESTARTS UPDATES PROGRAM");
  for (const s of await status()) {
    await println(`${s.name.padEnd(8)} ${String(s.endpoint).padStart(6)} ${s.state.padEnd(9)} `
      + `${String(s.restarts).padStart(8)} ${String(s.updates).padStart(7)} ${s.program}`);
  }
  return 0;
}

async function doUpdate(args: string[]): Promise<number> {
  const { request, packagePath } = parseUpdate(args);
  // Read before asking: a file that is not there is the user's mistake (exit 2), not RS's refusal.
  const r = await update(request, packagePath === undefined ? undefined : await readFile(packagePath));
  const names = request.components?.map((c) => c.name).join(", ");
  await println(`update ${r.id} of ${names || `package ${packagePath!}`}: ${r.outcome}` + (r.reason ? `: ${r.reason}` : ""));
  const details = r.report ? summary(r.report) : "";
  if (details) await println(details);
  return r.outcome === "committed" ? 0 : 1;
}

function parseUpdate(args: string[]): { request: LiveUpdateRequest; packagePath: string | undefined } {
  const names: string[] = [];
  const common: Omit<ComponentUpdate, "name"> = {};
  const hold: InterfaceFilter[] = [];
  const request: LiveUpdateRequest = {};
  let packagePath: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("--")) {
      names.push(a);
      continue;
    }
    const value = args[++i];
    if (value === undefined) throw new UsageError(`${a} needs a value`);
    switch (a) {
      case "--package": packagePath = value; break;
      case "--version": common.version = value; break;
      case "--state": common.state = value as QuiescentState; break;
      case "--filter": common.filter = value; break;
      case "--hold-from": hold.push({ from: /^-?\d+$/.test(value) ? Number(value) : value }); break;
      case "--hold-type": hold.push({ type: integer(a, value) }); break;
      case "--maxtime": request.maxtime = integer(a, value); break;
      case "--likely": request.likely = value as LiveUpdateRequest["likely"]; break;
      default: throw new UsageError(`unknown option ${a}\n${USAGE}`);
    }
  }
  if (hold.length > 0) common.hold = hold;
  if (packagePath === undefined) {
    if (names.length === 0) throw new UsageError(USAGE);
    request.components = names.map((name) => ({ name, ...common }));
    return { request, packagePath };
  }
  if (common.version !== undefined) throw new UsageError("--version does not go with --package: services run the package's version");
  request.package = true;
  if (names.length > 0) {
    request.components = names.map((name) => ({ name, ...common }));
  } else {
    // Every service the package changes: the options apply to each.
    if (common.state !== undefined && common.filter !== undefined) {
      throw new UsageError("--package without NAMEs takes --state or --filter, not both (name the services to give both)");
    }
    const state = common.state ?? common.filter;
    if (state !== undefined) request.state = state;
    if (common.hold) request.hold = common.hold;
  }
  return { request, packagePath };
}

function integer(option: string, value: string): number {
  if (!/^-?\d+$/.test(value)) throw new UsageError(`${option}: not an integer: ${value}`);
  return Number(value);
}

/** The report's package, phases and totals, in a few lines. */
function summary(json: string): string {
  const r = JSON.parse(json) as {
    phases: Array<{ phase: string; ticks: number }>; objects: number; bytes: number; downtimeTicks: number;
    components: Array<{ name: string; from: string; to: string }>;
    package?: { version: string; base: string; target: string; installed: string[] };
  };
  const lines: string[] = [];
  const p = r.package;
  if (p) {
    const moved = r.components.map((c) => `${c.name} ${c.from} -> ${c.to}`).join(", ");
    lines.push(`  package ${p.version} (${p.base} -> ${p.target})${moved ? `: ${moved}` : ""}`);
    if (p.installed.length > 0) lines.push(`  installed for new execs: ${p.installed.join(", ")}`);
  }
  if (r.phases.length > 0) {
    lines.push(`  phases (ticks): ${r.phases.map((ph) => `${ph.phase} ${ph.ticks}`).join(", ")}`);
    lines.push(`  transferred ${r.objects} objects (${r.bytes} bytes), downtime ${r.downtimeTicks} ticks`);
  }
  return lines.join("\n");
}
