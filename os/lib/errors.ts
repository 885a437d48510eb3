import { errnoName } from "../include/errno.js";

/** A system call failed; `errno` is the positive error number. */
export class SysError extends Error {
  constructor(readonly errno: number, readonly call: string, detail?: string) {
    super(`${call}${detail ? ` ${detail}` : ""}: ${errnoName(errno)}`);
    this.name = "SysError";
  }
}

/** Throw SysError if a reply's status is negative; otherwise return the reply. */
export function check<M extends { type: number }>(reply: M, call: string, detail?: string): M {
  if (reply.type < 0) throw new SysError(-reply.type, call, detail);
  return reply;
}
