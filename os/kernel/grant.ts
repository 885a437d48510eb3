import * as util from "node:util";
import { GRANT_READ, GRANT_WRITE } from "../include/ipc.js";
import { EFAULT, EINVAL, EPERM } from "../include/errno.js";
import type { Instance, Proc } from "./proc.js";

/** How many indirect grants may be chained before the kernel refuses. */
const MAX_INDIRECTION = 4;

/** %TypedArray%.prototype's accessors, taken from the host realm (see copyToHost). */
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const bufferOf = Object.getOwnPropertyDescriptor(typedArrayProto, "buffer")!.get! as (this: Uint8Array) => ArrayBufferLike;
const byteOffsetOf = Object.getOwnPropertyDescriptor(typedArrayProto, "byteOffset")!.get! as (this: Uint8Array) => number;

export type ProcLookup = (endpoint: number) => Proc | undefined;

/**
 * Memory grants and safe copies. A process grants another the right to read or
 * write a window of one of its buffers; the grantee names the grant by (granter,
 * id) and the kernel copies bytes, checking every bound. Nothing else ever lets one
 * process touch another's memory.
 */
export class Grants {
  constructor(private lookup: ProcLookup) {}

  grant(inst: Instance, grantee: number, buffer: unknown, offset: unknown, length: unknown, access: unknown): number {
    if (!util.types.isUint8Array(buffer)) return -EINVAL;
    if (!isCount(offset) || !isCount(length) || offset + length > buffer.length) return -EINVAL;
    if (!isAccess(access) || !Number.isInteger(grantee)) return -EINVAL;
    const id = inst.nextGrant++;
    inst.grants.set(id, { grantee, access, buffer, offset, length });
    return id;
  }

  /** Forward a grant that `proc` holds from `granter` to `grantee`. */
  grantIndirect(proc: Proc, inst: Instance, grantee: unknown, granter: unknown, id: unknown): number {
    if (!Number.isInteger(grantee) || !Number.isInteger(granter) || !Number.isInteger(id)) return -EINVAL;
    const g = this.lookup(granter as number)?.instance?.grants.get(id as number);
    if (!g || g.grantee !== proc.endpoint) return -EPERM;
    const nid = inst.nextGrant++;
    inst.grants.set(nid, {
      grantee: grantee as number, access: g.access, offset: 0, length: g.length,
      indirect: { granter: granter as number, id: id as number },
    });
    return nid;
  }

  revoke(inst: Instance, id: unknown): number {
    return typeof id === "number" && inst.grants.delete(id) ? 0 : -EINVAL;
  }

  /**
   * Copy between grant (granter, id) at `grantOffset` and the caller's own buffer.
   * dir GRANT_READ copies from the grant into `buffer`, GRANT_WRITE the other way.
   * Returns the byte count or a negative errno.
   */
  safecopy(proc: Proc, granter: unknown, id: unknown, grantOffset: unknown, buffer: unknown, bufOffset: unknown,
    length: unknown, dir: unknown): number {
    if (!Number.isInteger(granter) || !Number.isInteger(id)) return -EINVAL;
    if (!util.types.isUint8Array(buffer) || !isCount(bufOffset) || !isCount(length) || !isCount(grantOffset)) return -EINVAL;
    if (bufOffset + length > buffer.length) return -EFAULT;
    if (dir !== GRANT_READ && dir !== GRANT_WRITE) return -EINVAL;
    const target = this.resolve(granter as number, id as number, proc.endpoint, dir, grantOffset, length);
    if (typeof target === "number") return target;
    if (dir === GRANT_READ) buffer.set(target.buffer.subarray(target.start, target.start + length), bufOffset);
    else target.buffer.set(buffer.subarray(bufOffset, bufOffset + length), target.start);
    return length;
  }

  /**
   * A host copy of the first `length` bytes of grant (granter, id), read on behalf of
   * `proc`, the grantee: for data a process hands to the kernel itself (an update
   * package). Returns the bytes or a negative errno, with the same checks as safecopy.
   */
  copyToHost(proc: Proc, granter: unknown, id: unknown, length: unknown): Uint8Array | number {
    if (!Number.isInteger(granter) || !Number.isInteger(id) || !isCount(length)) return -EINVAL;
    const target = this.resolve(granter as number, id as number, proc.endpoint, GRANT_READ, 0, length);
    if (typeof target === "number") return target;
    // Through the host's own intrinsics: the buffer's prototype belongs to the granter's
    // realm, whose code could have replaced subarray() to run inside the kernel.
    const out = new Uint8Array(length);
    try {
      out.set(new Uint8Array(bufferOf.call(target.buffer), byteOffsetOf.call(target.buffer) + target.start, length));
    } catch {
      return -EFAULT; // the granted window no longer exists (a resizable buffer shrunk since the grant)
    }
    return out;
  }

  private resolve(granter: number, id: number, requester: number, access: number, offset: number, length: number):
    { buffer: Uint8Array; start: number } | number {
    for (let depth = 0; depth <= MAX_INDIRECTION; depth++) {
      const g = this.lookup(granter)?.instance?.grants.get(id);
      if (!g || g.grantee !== requester) return -EPERM;
      if ((g.access & access) !== access) return -EPERM;
      if (offset + length > g.length) return -EFAULT;
      if (g.buffer) return { buffer: g.buffer, start: g.offset + offset };
      requester = granter;
      granter = g.indirect!.granter;
      id = g.indirect!.id;
    }
    return -EPERM;
  }
}

function isCount(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= 0;
}

function isAccess(x: unknown): x is number {
  return typeof x === "number" && x > 0 && (x & ~(GRANT_READ | GRANT_WRITE)) === 0;
}
