/**
 * A tiny check runner for test programs that run inside the simulated OS. Each
 * check is reported on the console as "PASS name" or "FAIL name: why", then one
 * "CHECKS DONE" line; the host test (test/support/program-run.ts) reads them back.
 */
import { O_WRONLY } from "../../../os/include/fcntl.js";
import { errnoName } from "../../../os/include/errno.js";
import { SysError } from "../../../os/lib/errors.js";
import { open, writeAll } from "../../../os/lib/fs.js";

export type Checks = Record<string, () => Promise<void>>;

export class CheckFailure extends Error {}

export function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new CheckFailure(what);
}

export function assertEq<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) throw new CheckFailure(`${what}: got ${show(actual)}, expected ${show(expected)}`);
}

function show(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/** The errno `p` fails with, or 0 if it succeeds. */
export async function errnoOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 0;
  } catch (e) {
    if (e instanceof SysError) return e.errno;
    throw e;
  }
}

export async function assertErrno(p: Promise<unknown>, errno: number, what: string): Promise<void> {
  const got = await errnoOf(p);
  if (got !== errno) throw new CheckFailure(`${what}: got ${got ? errnoName(got) : "success"}, expected ${errnoName(errno)}`);
}

/** Where reports go: by default the console, opened through VFS on a descriptor of its own. */
export type Reporter = (line: string) => Promise<void>;

async function consoleReporter(): Promise<Reporter> {
  const out = await open("/dev/tty", O_WRONLY);
  return (line) => writeAll(out, line);
}

/** Run `checks` in order, reporting each. Returns the number that failed. */
export async function runChecks(checks: Checks, report?: Reporter): Promise<number> {
  const say = report ?? (await consoleReporter());
  let failed = 0;
  for (const [name, check] of Object.entries(checks)) {
    try {
      await check();
      await say(`PASS ${name}\n`);
    } catch (e) {
      failed++;
      const why = e instanceof Error ? e.message : String(e);
      await say(`FAIL ${name}: ${why.replace(/\n/g, " | ")}\n`);
    }
  }
  await say(`CHECKS DONE ${failed} failed\n`);
  return failed;
}
