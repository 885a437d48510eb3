import { SYS } from "../include/kcall.js";
import { kcall } from "./ipc.js";

/** Print a line to the kernel log on the console, prefixed by the caller's name (system processes only). */
export function diag(text: string): void {
  kcall({ type: SYS.DIAG, text });
}
