/** A tiny server for kernel tests: echoes requests, and can be told to crash or to stall. */
import { receive, reply, notify, startMode } from "../../../os/lib/ipc.js";
import { NOTIFY_MESSAGE } from "../../../os/include/ipc.js";

export const ECHO = 1;
export const CRASH = 2;
export const STALL = 3;
export const RELEASE = 4;

/** argv[0], if given, names this version of the server in every echo. */
export async function main(argv: string[]): Promise<void> {
  const version = argv[0] ?? "1";
  const stalled: Array<{ type: number; source?: number; callId?: number }> = [];
  for (;;) {
    const m = await receive();
    if (m.type === NOTIFY_MESSAGE) {
      notify(m.source!); // answer a notification with one, so clients can observe it
      continue;
    }
    switch (m.type) {
      case ECHO:
        reply(m, { type: 0, value: m.value, from: m.source, sawCallId: typeof m.callId === "number", version,
          mode: startMode() });
        break;
      case CRASH:
        throw new Error("echo server told to crash");
      case STALL:
        stalled.push(m); // answered only when RELEASE arrives (or never)
        break;
      case RELEASE:
        for (const s of stalled.splice(0)) reply(s, { type: 0, value: "released" });
        reply(m, { type: 0 });
        break;
      default:
        reply(m, { type: -38 });
    }
  }
}
