/**
 * The dispatch table: each CDEV request type's handler. A handler checks its
 * fields and returns the reply, or null when it holds the request to answer later.
 */
import { CDEV } from "../../include/cdev.js";
import { EINVAL, ENODEV, ENOSYS, OK } from "../../include/errno.js";
import { type Message } from "../../include/ipc.js";
import { doCancel, doRead } from "./read.js";
import { doWrite } from "./write.js";

/** The console is the only terminal, minor 0. */
const CONSOLE_MINOR = 0;

type Handler = (m: Message) => Message | null;

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/** Requests that name a terminal, and so must name minor 0. */
const NEEDS_MINOR: ReadonlySet<number> = new Set([CDEV.OPEN, CDEV.CLOSE, CDEV.READ, CDEV.WRITE]);

function doOpenClose(): Message {
  return { type: OK };
}

function readRequest(m: Message): Message | null {
  if (!isCount(m.count) || !Number.isInteger(m.grant) || !Number.isInteger(m.id)) return { type: -EINVAL };
  doRead(m, m.count, m.grant as number, m.id as number);
  return null;
}

function writeRequest(m: Message): Message {
  if (!isCount(m.count) || !Number.isInteger(m.grant)) return { type: -EINVAL };
  return doWrite(m.count, m.grant as number);
}

function cancelRequest(m: Message): Message {
  if (!Number.isInteger(m.id)) return { type: -EINVAL };
  doCancel(m.id as number);
  return { type: OK };
}

const handlers: ReadonlyMap<number, Handler> = new Map<number, Handler>([
  [CDEV.OPEN, doOpenClose],
  [CDEV.CLOSE, doOpenClose],
  [CDEV.READ, readRequest],
  [CDEV.WRITE, writeRequest],
  [CDEV.CANCEL, cancelRequest],
]);

/** Serve one request from VFS: the reply, or null when the request is held to answer later. */
export function handle(m: Message): Message | null {
  const h = handlers.get(m.type);
  if (!h) return { type: -ENOSYS };
  if (NEEDS_MINOR.has(m.type) && m.minor !== CONSOLE_MINOR) return { type: -ENODEV };
  return h(m);
}
