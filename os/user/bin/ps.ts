/** ps: list processes. */
import { getprocs } from "../../lib/unistd.js";
import { println } from "../../lib/stdio.js";

export async function main(): Promise<number> {
  await println("  PID  PPID   ENDPT STATE     NAME");
  for (const p of await getprocs()) {
    await println(`${String(p.pid).padStart(5)} ${String(p.ppid).padStart(5)} ${String(p.endpoint).padStart(7)} ` +
      `${p.state.padEnd(9)} ${p.name}${p.system ? " [system]" : ""}`);
  }
  return 0;
}
