import { sendrec } from "../lib/ipc.js";
import { PM_BASE } from "../include/com.js";

export async function main(argv: string[]): Promise<number> {
  const n = Number(argv[0] ?? 1000);
  for (let i = 0; i < n; i++) await sendrec(0, { type: PM_BASE + 1 });
  return 0;
}
