/** kill [-SIGNAL] pid...: send a signal (TERM by default) to processes. */
import { kill } from "../../lib/unistd.js";
import { eprintln } from "../../lib/stdio.js";
import { SIGNALS } from "../../include/signal.js";

export async function main(argv: string[]): Promise<number> {
  let sig = SIGNALS.SIGTERM;
  let args = argv;
  if (argv[0]?.startsWith("-")) {
    const spec = argv[0].slice(1);
    const named = (SIGNALS as Record<string, number>)[spec.startsWith("SIG") ? spec : `SIG${spec}`];
    sig = /^\d+$/.test(spec) ? Number(spec) : named ?? -1;
    if (sig < 0) {
      await eprintln(`kill: unknown signal ${argv[0]}`);
      return 2;
    }
    args = argv.slice(1);
  }
  if (args.length === 0) {
    await eprintln("usage: kill [-SIGNAL] pid...");
    return 2;
  }
  let status = 0;
  for (const a of args) {
    try {
      await kill(Number(a), sig);
    } catch (e) {
      await eprintln(`kill: ${a}: ${(e as Error).message}`);
      status = 1;
    }
  }
  return status;
}
