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
 *
 * update exits 0 when the update committed, 1 when it was rolled back, 2 when refused.
 */
import type { ComponentUpdate, InterfaceFilter, LiveUpdateRequest, QuiescentState } from "../../include/rs.js";
import { SysError } from "../../lib/errors.js";
import { restart, status, update } from "../../lib/rs.js";
import { eprintln, println } from "../../lib/stdio.js";

const USAGE = "usage: service status | service restart NAME | service update NAME... [--version L] [--state S] "
  + "[--filter EXPR] [--hold-from WHO] [--hold-type N] [--maxtime TICKS] [--likely off|warn|fail]";

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
  const request = parseUpdate(args);
  const r = await update(request);
  await println(`update ${r.id} of ${request.components.map((c) => c.name).join(", ")}: ${r.outcome}`
    + (r.reason ? `: ${r.reason}` : ""));
  if (r.report) await println(summary(r.report));
  return r.outcome === "committed" ? 0 : 1;
}

function parseUpdate(args: string[]): LiveUpdateRequest {
  const names: string[] = [];
  const common: Omit<ComponentUpdate, "name"> = {};
  const hold: InterfaceFilter[] = [];
  const request: LiveUpdateRequest = { components: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("--")) {
      names.push(a);
      continue;
    }
    const value = args[++i];
    if (value === undefined) throw new UsageError(`${a} needs a value`);
    switch (a) {
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
  if (names.length === 0) throw new UsageError(USAGE);
  if (hold.length > 0) common.hold = hold;
  request.components = names.map((name) => ({ name, ...common }));
  return request;
}

function integer(option: string, value: string): number {
  if (!/^-?\d+$/.test(value)) throw new UsageError(`${option}: not an integer: ${value}`);
  return Number(value);
}

/** The report's phases and totals, in a few lines. */
function summary(json: string): string {
  const r = JSON.parse(json) as {
    phases: Array<{ phase: string; ticks: number }>; objects: number; bytes: number; downtimeTicks: number;
  };
  const phases = r.phases.map((p) => `${p.phase} ${p.ticks}`).join(", ");
  return `  phases (ticks): ${phases}\n  transferred ${r.objects} objects (${r.bytes} bytes), downtime ${r.downtimeTicks} ticks`;
}
