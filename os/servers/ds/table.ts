/** DS's call table: request type -> handler. */
import { DS } from "../../include/ds.js";
import { ENOSYS } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import { doDelete, doPublish, doRetrieve } from "./store.js";
import { doCheck, doSubscribe } from "./subscribe.js";

type Handler = (m: Message) => Message;

const CALLS: Readonly<Record<number, Handler>> = {
  [DS.PUBLISH]: doPublish,
  [DS.RETRIEVE]: doRetrieve,
  [DS.DELETE]: doDelete,
  [DS.SUBSCRIBE]: doSubscribe,
  [DS.CHECK]: doCheck,
};

export function handlerFor(type: number): Handler {
  return Object.hasOwn(CALLS, type) ? CALLS[type]! : () => ({ type: -ENOSYS });
}
