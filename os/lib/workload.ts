/**
 * What every workload shares: counting operations and errors (never hiding one),
 * and reporting them. A workload ends by printing exactly one line
 *   workload <name>: ops=<n> errors=<e>
 * on its standard output and writing the same counts to /tmp/results/<name>.<pid>,
 * where a parent workload (mixed) collects them.
 */
import { mkdir, readFile, unlink, writeFile } from "./fs.js";
import { SysError } from "./errors.js";
import { getpid } from "./unistd.js";
import { eprintln, println } from "./stdio.js";

export const RESULTS_DIR = "/tmp/results";

export interface Result {
  ops: number;
  errors: number;
}

export class Workload {
  ops = 0;
  errors = 0;
  /** The first few error descriptions, printed as they happen. */
  private reported = 0;

  constructor(readonly name: string) {}

  /** Count one operation that succeeded or was checked. */
  op(): void {
    this.ops++;
  }

  /** Record a failed check; the first 20 are printed with their reason. */
  async fail(what: string): Promise<void> {
    this.errors++;
    if (this.reported++ < 20) await eprintln(`${this.name}: error: ${what}`);
  }

  /** Record a check: counts an op, and an error if `cond` is false. */
  async check(cond: boolean, what: string): Promise<boolean> {
    this.op();
    if (!cond) await this.fail(what);
    return cond;
  }

  /** Do `action`, counting it as an op, or as an error described by `what` if it throws. True if it succeeded. */
  async run(what: string, action: () => Promise<unknown>): Promise<boolean> {
    try {
      await action();
      this.op();
      return true;
    } catch (e) {
      await this.fail(`${what}: ${describe(e)}`);
      return false;
    }
  }

  /** Like `run`, for an action that produces a value: the value, or undefined if it failed. */
  async get<T extends NonNullable<unknown>>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    let value: T | undefined;
    await this.run(what, async () => {
      value = await fn();
    });
    return value;
  }

  /** Print the summary line, record the result file, and give the exit status. */
  async finish(): Promise<number> {
    try {
      await mkdir(RESULTS_DIR).catch((e: unknown) => {
        if (!(e instanceof SysError && e.errno === 17)) throw e;
      });
      await writeFile(`${RESULTS_DIR}/${this.name}.${await getpid()}`, `${this.ops} ${this.errors}\n`);
    } catch (e) {
      this.errors++;
      await eprintln(`${this.name}: error: cannot record result: ${describe(e)}`);
    }
    await println(`workload ${this.name}: ops=${this.ops} errors=${this.errors}`);
    return this.errors === 0 ? 0 : 1;
  }
}

/** Collect (and remove) the result a finished workload process recorded. */
export async function collectResult(name: string, pid: number): Promise<Result | undefined> {
  const file = `${RESULTS_DIR}/${name}.${pid}`;
  try {
    const text = decodeAscii(await readFile(file));
    await unlink(file);
    const [ops, errors] = text.trim().split(" ").map(Number);
    if (!Number.isInteger(ops) || !Number.isInteger(errors)) return undefined;
    return { ops: ops!, errors: errors! };
  } catch {
    return undefined;
  }
}

export function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function decodeAscii(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
