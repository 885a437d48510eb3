/**
 * exec: the kernel replaces the caller's image. On success the caller is a new
 * program and the request is never answered. Caught signals return to their default
 * (their handlers are gone with the old image); ignored ones stay ignored.
 */
import { EINVAL, EPERM } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { PM_NAME_MAX } from "../../include/pm.js";
import { kcall } from "../../lib/ipc.js";
import { cancelSleep } from "./alarm.js";
import type { MProc } from "./state.js";

/** EXEC {program, argv}. */
export function doExec(p: MProc, m: Message): Message | null {
  if (p.system) return { type: -EPERM };
  const { program } = m;
  const argv = m.argv ?? "";
  if (typeof program !== "string" || program.length === 0 || program.length > PM_NAME_MAX) return { type: -EINVAL };
  if (typeof argv !== "string") return { type: -EINVAL };
  const r = kcall({ type: SYS.EXEC, endpoint: p.endpoint, program, argv });
  if (r.type < 0) return { type: r.type }; // ENOEXEC: no such program
  p.name = program;
  p.caught = 0;
  // Calls the old image had pending with PM die with it (the alarm survives, as in POSIX).
  cancelSleep(p);
  p.wait = null;
  return null;
}
