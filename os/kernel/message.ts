import * as util from "node:util";
import { MAX_MESSAGE_FIELDS, MAX_STRING_FIELD } from "../include/ipc.js";
import { EINVAL } from "../include/errno.js";
import type { RealmOps } from "./realm.js";

/** A message as it sits in a receiver's mailbox: already a copy owned by the receiver's realm. */
export type RealmMessage = Record<string, unknown>;

/**
 * Copy a message from the sender's realm into the receiver's. Only flat records of
 * scalars cross: nothing is shared, and a bad message is refused with EINVAL before
 * the receiver sees any of it. Returns the copy or a negative errno.
 */
export function copyMessage(src: unknown, into: RealmOps): RealmMessage | number {
  if (typeof src !== "object" || src === null || Array.isArray(src) || util.types.isProxy(src)) return -EINVAL;
  const keys = Object.keys(src);
  if (keys.length > MAX_MESSAGE_FIELDS) return -EINVAL;
  const out = into.object();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = (src as Record<string, unknown>)[k];
    switch (typeof v) {
      case "number":
      case "boolean":
      case "bigint":
      case "undefined":
        break;
      case "string":
        if (v.length > MAX_STRING_FIELD) return -EINVAL;
        break;
      default:
        if (v !== null) return -EINVAL;
    }
    out[k] = v;
  }
  if (typeof out.type !== "number") return -EINVAL;
  return out;
}

/** Build a message in a realm from host-side scalars (kernel replies, notifications). */
export function makeMessage(into: RealmOps, fields: Record<string, number | string | boolean | bigint | undefined>): RealmMessage {
  const out = into.object();
  for (const k in fields) out[k] = fields[k];
  return out;
}
