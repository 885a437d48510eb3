/**
 * Interface filters: which messages to a draining component are held back (left in
 * its mailbox, in order) so that the work it has in flight can finish without new
 * work arriving. Held-back messages are delivered once the update commits or is
 * cancelled: to the new version or to the old one.
 */
import { HOST } from "../../os/include/ipc.js";
import type { Kernel } from "../../os/kernel/kernel.js";
import type { InterfaceFilter } from "./request.js";

export type HoldBack = (source: number, type: number) => boolean;

/** Compile a component's filters; throws naming a sender that does not exist. */
export function compileInterfaceFilters(kernel: Kernel, filters: readonly InterfaceFilter[]): HoldBack | undefined {
  if (filters.length === 0) return undefined;
  const tests = filters.map((f) => {
    const from = f.from === undefined ? undefined : senderTest(kernel, f.from);
    return (source: number, type: number) => (from === undefined || from(source)) && (f.type === undefined || f.type === type);
  });
  return (source, type) => tests.some((t) => t(source, type));
}

function senderTest(kernel: Kernel, from: string | number): (source: number) => boolean {
  if (from === "users") return (source) => kernel.lookup(source)?.priv.system !== true && !isKernelSource(source);
  if (from === "system") return (source) => kernel.lookup(source)?.priv.system === true;
  if (typeof from === "number") return (source) => source === from;
  const named = [...kernel.liveProcs()].find((p) => p.name === from && p.priv.system);
  if (!named) throw new Error(`interface filter: no system process named "${from}"`);
  const endpoint = named.endpoint;
  return (source) => source === endpoint;
}

/** CLOCK, HARDWARE, SYSTEM: the kernel's own notifications are never a user's. */
function isKernelSource(source: number): boolean {
  return source < 0 && source !== HOST; // the host is an operator outside the machine: a user
}
