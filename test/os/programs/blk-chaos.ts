/**
 * Run in RS's slot: kill the disk driver again and again while the file system is
 * busy, and start it again under the same endpoint a few ticks later, as RS does
 * after a crash (SYS.EXIT, then SYS.SPAWN with the old endpoint).
 */
import { BLK_PROC_NR } from "../../../os/include/com.js";
import { CLOCK } from "../../../os/include/ipc.js";
import { SYS } from "../../../os/include/kcall.js";
import { serviceSpec } from "../../../os/include/services.js";
import { diag } from "../../../os/lib/diag.js";
import { kcall, receive } from "../../../os/lib/ipc.js";

const KILLS = 20;

async function sleep(ticks: number): Promise<void> {
  kcall({ type: SYS.SETALARM, ticks });
  await receive(CLOCK);
}

export async function main(): Promise<void> {
  const blk = serviceSpec("blk")!;
  for (let i = 0; i < KILLS; i++) {
    await sleep(5 + Math.floor(Math.random() * 20));
    const killed = kcall({ type: SYS.EXIT, endpoint: BLK_PROC_NR });
    await sleep(1 + Math.floor(Math.random() * 10));
    const spawned = kcall({
      type: SYS.SPAWN, program: blk.program, name: blk.name, endpoint: BLK_PROC_NR, priority: blk.priority,
      kcalls: blk.kcalls, physcopy: blk.physcopy,
    });
    if (killed.type !== 0 || spawned.type !== 0 || spawned.endpoint !== BLK_PROC_NR) {
      diag(`restart ${i} failed: exit ${killed.type}, spawn ${spawned.type}`);
      return;
    }
  }
  diag(`killed and restarted blk ${KILLS} times`);
}
