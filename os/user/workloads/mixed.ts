/**
 * mixed: fsstress, proctree and dsbench at once, each in its own process, so file
 * system, process management and data store traffic interleave. Reports the sum of
 * their operations and errors; a workload that dies or leaves no result is an error.
 *
 *   mixed [scale=1]
 */
import { exec, exit, fork, waitpid } from "../../lib/unistd.js";
import { WEXITSTATUS, WIFEXITED, WTERMSIG } from "../../include/wait.js";
import { Workload, collectResult } from "../../lib/workload.js";

export async function main(argv: string[]): Promise<number> {
  const scale = Math.max(1, Number(argv[0]) || 1);
  const runs: Array<[string, string[]]> = [
    ["fsstress", [String(150 * scale), "2"]],
    ["proctree", [String(scale)]],
    ["dsbench", [String(100 * scale)]],
  ];
  const w = new Workload("mixed");
  const started = new Map<number, string>();
  for (const [name, args] of runs) {
    const pid = await w.get(`start ${name}`, () => fork("become", [name, ...args]));
    if (pid !== undefined) started.set(pid, name);
  }
  while (started.size > 0) {
    const r = await w.get("wait", () => waitpid(-1));
    if (!r) break;
    const name = started.get(r.pid);
    if (!name) continue;
    started.delete(r.pid);
    const result = await collectResult(name, r.pid);
    if (!result) {
      const how = WIFEXITED(r.status) ? `exited ${WEXITSTATUS(r.status)}` : `killed by signal ${WTERMSIG(r.status)}`;
      await w.fail(`${name} (pid ${r.pid}) ${how} without a result`);
      continue;
    }
    w.ops += result.ops;
    w.errors += result.errors;
  }
  return w.finish();
}

/** The child's side: become the named workload. */
export async function become(argv: string[]): Promise<never> {
  await exec(argv[0]!, argv.slice(1)).catch(() => undefined);
  return exit(127);
}
