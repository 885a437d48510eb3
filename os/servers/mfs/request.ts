/**
 * Checking the fields of a request. VFS is trusted to be VFS, not to be bug-free:
 * every field is checked for type and range before a handler uses it, and a bad one
 * fails the request with EINVAL (or ENAMETOOLONG, ENOTDIR) naming the field.
 */
import { EINVAL, ENAMETOOLONG, ENOTDIR } from "../../include/errno.js";
import { NAME_MAX, isDir } from "../../include/fsproto.js";
import type { Message } from "../../include/ipc.js";
import { encodeUtf8 } from "../../lib/utf8.js";
import { FsError } from "./error.js";
import { findHeld } from "./inode.js";
import { vol, type Inode } from "./state.js";

/** An integer field in [min, max]. */
export function intField(m: Message, key: string, min: number, max: number): number {
  const v = m[key];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new FsError(EINVAL, `bad ${key}: ${String(v)}`);
  }
  return v;
}

/** An optional integer field in [0, max], `dflt` when absent. */
export function optionalField(m: Message, key: string, max: number, dflt: number): number {
  return m[key] === undefined ? dflt : intField(m, key, 0, max);
}

/** The inode a field names, which VFS must hold a reference on. */
export function heldInode(m: Message, key: string): Inode {
  const ino = intField(m, key, 1, vol.sb.inodes);
  const ip = findHeld(ino);
  if (!ip) throw new FsError(EINVAL, `${key} ${ino} is not an inode in use`);
  return ip;
}

/** The directory a field names (held by VFS). */
export function heldDir(m: Message, key: string): Inode {
  const ip = heldInode(m, key);
  if (!isDir(ip.mode)) throw new FsError(ENOTDIR, `${key} ${ip.ino} is not a directory`);
  return ip;
}

/** A name field as the bytes stored in a directory entry: 1..NAME_MAX bytes of UTF-8, no "/" or NUL. */
export function nameField(m: Message, key: string): Uint8Array {
  const v = m[key];
  if (typeof v !== "string" || v.length === 0 || v.includes("/") || v.includes("\0")) {
    throw new FsError(EINVAL, `bad ${key}`);
  }
  const bytes = encodeUtf8(v);
  if (bytes.length > NAME_MAX) throw new FsError(ENAMETOOLONG, `${key} is longer than ${NAME_MAX} bytes`);
  return bytes;
}

export const DOT = encodeUtf8(".");
export const DOTDOT = encodeUtf8("..");

export function isDot(name: Uint8Array): boolean {
  return name.length === 1 && name[0] === DOT[0];
}

export function isDotDot(name: Uint8Array): boolean {
  return name.length === 2 && name[0] === DOT[0] && name[1] === DOT[0];
}

/** The fields of a successful reply. */
export type Reply = Record<string, number | string | boolean>;
