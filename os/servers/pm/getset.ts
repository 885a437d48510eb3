/** getpid and getppid. */
import { OK } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import type { MProc } from "./state.js";

export function doGetpid(p: MProc): Message {
  return { type: OK, pid: p.pid };
}

export function doGetppid(p: MProc): Message {
  return { type: OK, ppid: p.parent?.pid ?? 0 };
}
