/**
 * Requests to the file system server (fsproto.ts) and to drivers (cdev.ts). A
 * failure comes back as a SysError carrying the errno for the user; a server that
 * is gone counts as EIO.
 */
import { EIO } from "../../include/errno.js";
import { type Message } from "../../include/ipc.js";
import { SysError } from "../../lib/errors.js";
import { diag } from "../../lib/diag.js";
import { IpcError, sendrec } from "../../lib/ipc.js";
import { vfs } from "./state.js";

/** Send `m` to server or driver `to` and return its successful reply. */
export async function request(to: number, m: Message): Promise<Message> {
  let r: Message;
  try {
    r = await sendrec(to, m);
  } catch (e) {
    if (e instanceof IpcError) throw new SysError(EIO, "vfs", e.message);
    throw e;
  }
  if (r.type < 0) throw new SysError(-r.type, "vfs");
  return r;
}

/** Send `m` to the file system and return its successful reply. */
export function fsRequest(m: Message): Promise<Message> {
  return request(vfs.fsEndpoint, m);
}

/** Send `m` without waiting for the answer (giving back references): a refusal is only logged. */
export function fsNotice(m: Message): void {
  fsRequest(m).catch((e: unknown) => {
    if (!(e instanceof SysError) || e.errno !== EIO) diag(`file system refused request ${m.type}: ${String(e)}`);
  });
}

/** A field of a server's reply that must be a count (an integer in [0, max]); EIO if it is not. */
export function countField(r: Message, name: string, max = Number.MAX_SAFE_INTEGER): number {
  const v = r[name];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0 || v > max) {
    throw new SysError(EIO, "vfs", `bad ${name} in reply`);
  }
  return v;
}
