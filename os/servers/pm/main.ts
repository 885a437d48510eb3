/**
 * PM, the process manager: process creation and ending, waiting, signals, timers
 * and shutdown, for user programs (os/include/pm.ts). It is the watcher of every
 * user process (and of RS), so the kernel reports their deaths to it.
 */
import { RS_PROC_NR } from "../../include/com.js";
import { EIO, ESRCH } from "../../include/errno.js";
import { CLOCK, type Message, NOTIFY_MESSAGE, SYSTEM } from "../../include/ipc.js";
import { diag } from "../../lib/diag.js";
import { notify, receive, reply, startMode } from "../../lib/ipc.js";
import { expireTimers } from "./alarm.js";
import { collectDeaths } from "./exit.js";
import { learnBootProcesses, whoIs } from "./procs.js";
import { handlerFor } from "./table.js";

export async function main(): Promise<void> {
  if (startMode() !== "update") learnBootProcesses();
  for (;;) {
    const m = await receive();
    try {
      if (m.type === NOTIFY_MESSAGE) await handleNotify(m);
      else {
        const pending = handleCall(m);
        if (pending) await pending; // most calls are answered without waiting on anyone
      }
    } catch (e) {
      // A bug, not bad input (that is validated): keep serving the others.
      const why = e instanceof Error ? e.stack ?? e.message : String(e);
      diag(`request ${m.type} from ${m.source} failed: ${why.split("\n").slice(0, 3).join(" | ")}`);
      if (m.type !== NOTIFY_MESSAGE) reply(m, { type: -EIO });
    }
  }
}

async function handleNotify(m: Message): Promise<void> {
  if (m.source === SYSTEM) await collectDeaths();
  else if (m.source === CLOCK) await expireTimers();
  else if (m.source === RS_PROC_NR) notify(RS_PROC_NR); // heartbeat
}

/** Answer a call; returns a promise only when the handler has to wait on another process. */
function handleCall(m: Message): Promise<void> | undefined {
  const caller = whoIs(m.source!);
  if (caller?.zombie) return undefined; // sent before it died: nobody to answer
  if (!caller) {
    reply(m, { type: -ESRCH });
    return undefined;
  }
  const answer = handlerFor(m.type)(caller, m);
  if (answer instanceof Promise) return answer.then((a) => void (a && reply(m, a)));
  if (answer) reply(m, answer);
  return undefined;
}
