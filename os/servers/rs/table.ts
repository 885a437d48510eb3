/** RS's call table: request type -> handler. A handler's answer is sent at once; null means later. */
import { ENOSYS } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import { RS } from "../../include/rs.js";
import { doLookup, doStatus } from "./lookup.js";
import { doRestart } from "./restart.js";
import { doUpdate } from "./update.js";

type Handler = (m: Message) => Message | null;

const CALLS: Readonly<Record<number, Handler>> = {
  [RS.LOOKUP]: doLookup,
  [RS.RESTART]: doRestart,
  [RS.STATUS]: doStatus,
  [RS.UPDATE]: doUpdate,
};

export function handlerFor(type: number): Handler {
  return Object.hasOwn(CALLS, type) ? CALLS[type]! : () => ({ type: -ENOSYS });
}
