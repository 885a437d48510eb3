/** PM's call table: request type -> handler. A handler's answer is sent at once; null means later or never. */
import { ENOSYS } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import { PM } from "../../include/pm.js";
import { doAlarm, doSleep } from "./alarm.js";
import { doExec } from "./exec.js";
import { doExit } from "./exit.js";
import { doFork } from "./fork.js";
import { doGetpid, doGetppid, doGetuid, doSetuid } from "./getset.js";
import { doGetprocs } from "./procs.js";
import { doReboot } from "./reboot.js";
import { doKill, doSigaction } from "./signal.js";
import type { MProc } from "./state.js";
import { doWaitpid } from "./wait.js";

type Handler = (caller: MProc, m: Message) => Message | null | Promise<Message | null>;

const CALLS: ReadonlyMap<number, Handler> = new Map<number, Handler>([
  [PM.GETPID, doGetpid],
  [PM.GETPPID, doGetppid],
  [PM.FORK, doFork],
  [PM.EXIT, doExit],
  [PM.WAITPID, doWaitpid],
  [PM.KILL, doKill],
  [PM.SIGACTION, doSigaction],
  [PM.SLEEP, doSleep],
  [PM.ALARM, doAlarm],
  [PM.EXEC, doExec],
  [PM.REBOOT, doReboot],
  [PM.GETPROCS, doGetprocs],
  [PM.GETUID, doGetuid],
  [PM.SETUID, doSetuid],
]);

const unknownCall: Handler = () => ({ type: -ENOSYS });

export function handlerFor(type: number): Handler {
  return CALLS.get(type) ?? unknownCall;
}
