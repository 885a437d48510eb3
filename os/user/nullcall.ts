/** nullcall [n]: make n getpid calls, the cheapest system call (one round trip to PM). */
import { getpid } from "../lib/unistd.js";

export async function main(argv: string[]): Promise<number> {
  const n = Number(argv[0] ?? 1000);
  for (let i = 0; i < n; i++) await getpid();
  return 0;
}
