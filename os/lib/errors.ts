import { errnoName } from "../include/errno.js";

/** A system call failed; `errno` is the positive error number, `reason` the server's explanation if it gave one. */
export class SysError extends Error {
  constructor(readonly errno: number, readonly call: string, detail?: string, readonly reason?: string) {
    super(`${call}${detail ? ` ${detail}` : ""}: ${errnoName(errno)}${reason ? ` (${reason})` : ""}`);
    this.name = "SysError";
  }
}

/** Throw SysError if a reply's status is negative (with its `reason` field, if any); otherwise return the reply. */
export function check<M extends { type: number; reason?: unknown }>(reply: M, call: string, detail?: string): M {
  if (reply.type < 0) throw new SysError(-reply.type, call, detail, typeof reply.reason === "string" ? reply.reason : undefined);
  return reply;
}
