/** The reincarnation server's calls (os/include/rs.ts). Throws SysError on failure. */
import { RS_PROC_NR } from "../include/com.js";
import { ESRCH } from "../include/errno.js";
import { GRANT_READ, type Message } from "../include/ipc.js";
import { RS, type LiveUpdateRequest } from "../include/rs.js";
import { SysError } from "./errors.js";
import { grant, revoke } from "./ipc.js";
import { syscall } from "./syscall.js";

export interface ServiceStatus {
  name: string;
  program: string;
  endpoint: number;
  state: string;
  restarts: number;
  updates: number;
}

/** The endpoint of a system service. */
export async function lookup(name: string): Promise<number> {
  return (await syscall(RS_PROC_NR, { type: RS.LOOKUP, name }, "rs lookup", name)).endpoint as number;
}

/** Kill and restart a service (system processes only); returns its endpoint, which does not change. */
export async function restart(name: string): Promise<number> {
  return (await syscall(RS_PROC_NR, { type: RS.RESTART, name }, "rs restart", name)).endpoint as number;
}

/** Every service RS manages. */
export async function status(): Promise<ServiceStatus[]> {
  const out: ServiceStatus[] = [];
  for (let index = 0; ; index++) {
    const r = await syscall(RS_PROC_NR, { type: RS.STATUS, index }, "rs status").catch((e: unknown) => {
      if (e instanceof SysError && e.errno === ESRCH) return null; // past the last service
      throw e;
    });
    if (!r) return out;
    out.push({ name: r.name as string, program: r.program as string, endpoint: r.endpoint as number,
      state: r.state as string, restarts: r.restarts as number, updates: r.updates as number });
  }
}

export interface UpdateOutcome {
  id: number;
  outcome: "committed" | "rolled-back";
  reason: string;
  /** The whole report as JSON, when it fits in a message. */
  report: string | undefined;
}

/**
 * Live-update services (root and system processes only); resolves when the update has
 * ended. A `package` request sends the package file's bytes with it, by a grant to RS
 * (a message holds no more than a few KiB), revoked once RS has answered.
 */
export async function update(request: LiveUpdateRequest, pkg?: Uint8Array): Promise<UpdateOutcome> {
  const detail = request.components?.map((c) => c.name).join(",") ?? "";
  const m: Message = { type: RS.UPDATE, request: JSON.stringify(request) };
  let grantId: number | undefined;
  if (pkg) {
    grantId = grant(RS_PROC_NR, pkg, 0, pkg.length, GRANT_READ);
    if (grantId < 0) throw new SysError(-grantId, "rs update", detail);
    m.grant = grantId;
    m.size = pkg.length;
  }
  try {
    const r = await syscall(RS_PROC_NR, m, "rs update", detail);
    return { id: r.id as number, outcome: r.outcome as UpdateOutcome["outcome"], reason: String(r.reason ?? ""),
      report: typeof r.report === "string" ? r.report : undefined };
  } finally {
    if (grantId !== undefined) revoke(grantId);
  }
}
