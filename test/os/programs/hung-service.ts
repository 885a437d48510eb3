/** Run in a service's slot: takes every message and answers none, heartbeats included. */
import { receive } from "../../../os/lib/ipc.js";

export async function main(): Promise<void> {
  for (;;) await receive();
}
