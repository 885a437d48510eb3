/**
 * Request-free: a process parked at its update point with no request half handled.
 * Two parts know what a process still waits on, and no code is added to its functions
 * to find out: the kernel knows its outstanding operations (a reply, a blocking send, a
 * completion queued), and the process's runtime its own promises not yet settled (one
 * request waiting for a lock another holds). Code waiting on neither can never run
 * again. Asked once every microtask has run (os/kernel/kernel.ts, queueWatchCheck): a
 * continuation merely queued is a wait on nothing.
 */
import type { Kernel } from "../../os/kernel/kernel.js";
import type { Instance } from "../../os/kernel/proc.js";
import type { ProcessView } from "../process-view.js";

/** What `inst` (seen through `view`) waits on besides its update point: request-free when at it with none. */
export function inFlight(kernel: Kernel, inst: Instance, view: ProcessView): number {
  return view.rt.inFlight() + kernel.outstanding(inst);
}
