/**
 * The dispatch table: each CDEV request type's handler. A handler checks its
 * fields and returns the reply, or null when it holds the request to answer later.
 */
import { CDEV } from "../../include/cdev.js";
import { EINVAL, ENODEV, OK } from "../../include/errno.js";
import { type Message } from "../../include/ipc.js";
import { doCancel, doRead } from "./read.js";
import { doWrite } from "./write.js";

/** The console is the only terminal, minor 0. */
const CONSOLE_MINOR = 0;

type Handler = (m: Message) => Message | null;

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/** Check the minor, then run `fn`. */
function onConsole(fn: Handler): Handler {
  return (m) => (m.minor === CONSOLE_MINOR ? fn(m) : { type: -ENODEV });
}

export const handlers = new Map<number, Handler>([
  [CDEV.OPEN, onConsole(() => ({ type: OK }))],
  [CDEV.CLOSE, onConsole(() => ({ type: OK }))],
  [CDEV.READ, onConsole((m) => {
    if (!isCount(m.count) || !Number.isInteger(m.grant) || !Number.isInteger(m.id)) return { type: -EINVAL };
    doRead(m, m.count, m.grant as number, m.id as number);
    return null;
  })],
  [CDEV.WRITE, onConsole((m) => {
    if (!isCount(m.count) || !Number.isInteger(m.grant)) return { type: -EINVAL };
    return doWrite(m.count, m.grant as number);
  })],
  [CDEV.CANCEL, (m) => {
    if (!Number.isInteger(m.id)) return { type: -EINVAL };
    doCancel(m.id as number);
    return { type: OK };
  }],
]);
