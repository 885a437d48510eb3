/** RS's call table: request type -> handler. The update manager's calls will join it here. */
import { ENOSYS } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import { RS } from "../../include/rs.js";
import { doLookup, doStatus } from "./lookup.js";
import { doRestart } from "./restart.js";

type Handler = (m: Message) => Message;

const CALLS: Record<number, Handler> = {
  [RS.LOOKUP]: doLookup,
  [RS.RESTART]: doRestart,
  [RS.STATUS]: doStatus,
};

export function handlerFor(type: number): Handler {
  return Object.hasOwn(CALLS, type) ? CALLS[type]! : () => ({ type: -ENOSYS });
}
