import { receive, reply } from "../../lib/ipc.js";
import { PM_BASE } from "../../include/com.js";

export async function main(): Promise<void> {
  for (;;) {
    const m = await receive();
    if (m.type === PM_BASE + 1) reply(m, { type: 0, pid: m.source! });
  }
}
