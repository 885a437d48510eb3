/**
 * The common path of every system-call library: one request to a server, its reply
 * checked. An IPC failure (server gone, call not allowed) keeps its errno.
 */
import type { Message } from "../include/ipc.js";
import { SysError, check } from "./errors.js";
import { IpcError, sendrec } from "./ipc.js";

export async function syscall(server: number, m: Message, call: string, detail?: string): Promise<Message> {
  let r: Message;
  try {
    r = await sendrec(server, m);
  } catch (e) {
    if (e instanceof IpcError) throw new SysError(e.errno, call, detail);
    throw e;
  }
  return check(r, call, detail);
}
