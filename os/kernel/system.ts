import * as util from "node:util";
import { IRQ, type IrqLine } from "../../hw/machine.js";
import { SECTOR_SIZE } from "../../hw/disk.js";
import { NR_BOOT_SLOTS, NR_SLOTS } from "../include/ipc.js";
import { SYS } from "../include/kcall.js";
import {
  E2BIG, EAGAIN, EBUSY, ECALLDENIED, EFAULT, EINVAL, EIO, ENOEXEC, ENOMEM, ENOSYS, EPERM, ESRCH, OK,
} from "../include/errno.js";
import type { Kernel } from "./kernel.js";
import { mayCall, parseKcalls, systemPriv } from "./priv.js";
import type { Instance, Proc } from "./proc.js";

type Fields = Record<string, number | string | boolean | bigint | undefined>;
type Args = Record<string, unknown>;
type Handler = (k: Kernel, p: Proc, m: Args) => Fields | number;


/**
 * Kernel calls. Each handler gets the caller and the request's fields (read from
 * the caller's realm; every one is checked) and returns reply fields or an errno.
 */
const handlers: Record<number, Handler> = {
  [SYS.FORK]: (k, _p, m) => {
    const parent = k.lookup(m.parent as number);
    if (!parent || typeof m.entry !== "string") return -EINVAL;
    const slot = k.freeSlot(NR_BOOT_SLOTS);
    if (slot < 0) return -EAGAIN;
    const child = k.createProc(slot, parent.name, parent.program, parent.priv, parent.watcher, m.entry, argvOf(m.argv));
    child.uid = parent.uid;
    return { endpoint: child.endpoint };
  },
  [SYS.EXEC]: (k, _p, m) => {
    const target = k.lookup(m.endpoint as number);
    if (!target || typeof m.program !== "string") return -EINVAL;
    if (!k.imageFor(m.program).program(m.program)) return -ENOEXEC;
    let inst: Instance;
    try {
      inst = k.newInstance(target, m.program, "main", argvOf(m.argv));
    } catch (err) {
      k.log(`exec ${m.program}: ${(err as Error).message}`);
      return -ENOEXEC;
    }
    // The old image is dropped mid-call: its pending work never resumes.
    k.ipc.failWaitersOn(target, []);
    target.instance = inst;
    target.program = m.program;
    target.name = m.program;
    k.start(target);
    return {};
  },
  [SYS.RUN]: (k, _p, m) => {
    const target = k.lookup(m.endpoint as number);
    if (!target || target.state !== "created") return -EINVAL;
    k.start(target);
    return {};
  },
  [SYS.EXIT]: (k, _p, m) => {
    const target = k.lookup(m.endpoint as number);
    if (!target) return -ESRCH;
    k.destroy(target, { status: typeof m.status === "number" ? m.status : 0, reason: "exit" }, false);
    return {};
  },
  [SYS.KILL]: (k, _p, m) => {
    const target = k.lookup(m.endpoint as number);
    if (!target?.instance || !Number.isInteger(m.signal)) return -ESRCH;
    target.instance.realm.ops.signal(m.signal as number);
    return {};
  },
  [SYS.SETALARM]: (k, p, m) => {
    if (typeof m.ticks !== "number" || m.ticks < 0) return -EINVAL;
    return { remaining: k.setAlarm(p, Math.floor(m.ticks)) };
  },
  [SYS.TIMES]: (k) => ({ now: k.machine.clock.now }),
  [SYS.GETKSIG]: (k, p) => {
    const d = k.deaths.get(p.slot)?.shift();
    return d ? { endpoint: d.endpoint, status: d.status, reason: d.reason.slice(0, 1024) } : -ESRCH;
  },
  [SYS.SPAWN]: (k, p, m) => {
    if (typeof m.program !== "string" || typeof m.name !== "string") return -EINVAL;
    let kcalls: Set<number> | "all";
    try {
      kcalls = parseKcalls(typeof m.kcalls === "string" ? m.kcalls : "");
    } catch {
      return -EINVAL;
    }
    const priority = typeof m.priority === "number" ? m.priority : 1;
    if (priority < 0 || priority > 2) return -EINVAL;
    let slot: number;
    let same = false;
    if (typeof m.endpoint === "number") {
      const old = k.procs[m.endpoint % NR_SLOTS];
      if (!old || old.endpoint !== m.endpoint) return -EINVAL;
      if (old.alive) return -EBUSY;
      slot = old.slot;
      same = true;
    } else {
      slot = k.freeSlot(NR_BOOT_SLOTS);
      if (slot < 0) return -EAGAIN;
    }
    let child: Proc;
    try {
      child = k.createProc(slot, m.name, m.program, systemPriv(kcalls, priority, m.physcopy === true), p.slot, "main",
        argvOf(m.argv), same);
    } catch (err) {
      k.log(`spawn ${m.program}: ${(err as Error).message}`);
      return -ENOEXEC;
    }
    k.start(child);
    return { endpoint: child.endpoint };
  },
  [SYS.DIAG]: (k, p, m) => {
    if (typeof m.text !== "string") return -EINVAL;
    k.machine.console.write(`${p.name}: ${m.text}\n`);
    return {};
  },
  [SYS.IRQSUB]: (k, p, m) => {
    const line = m.line as IrqLine;
    if (line !== IRQ.DISK && line !== IRQ.CONSOLE) return -EINVAL;
    let subs = k.irqSubscribers.get(line);
    if (!subs) k.irqSubscribers.set(line, (subs = new Set()));
    subs.add(p.slot);
    return {};
  },
  [SYS.DISKIO]: (k, p, m) => {
    if (m.op !== "read" && m.op !== "write" && m.op !== "flush") return -EINVAL;
    // DMA only into the caller's own buffers.
    if (m.op !== "flush" && (typeof m.addr !== "number" || typeof m.count !== "number" ||
        !k.ownsPhysical(p, m.addr, m.count * SECTOR_SIZE))) return -EINVAL;
    const err = k.machine.disk.submit({ op: m.op, sector: m.sector as number, count: m.count as number, addr: m.addr as number });
    return err === 0 ? {} : err === 3 ? -EBUSY : -EINVAL;
  },
  [SYS.DISKSTATUS]: (k) => {
    const s = k.machine.disk.takeStatus();
    if (!s) return -EAGAIN;
    return s.error === 0 ? { op: s.request.op, sector: s.request.sector, count: s.request.count } : -EIO;
  },
  [SYS.DISKINFO]: (k) => ({ sectors: k.machine.disk.sectors, sectorSize: SECTOR_SIZE }),
  [SYS.MEMALLOC]: (k, p, m) => {
    if (typeof m.bytes !== "number" || !Number.isInteger(m.bytes) || m.bytes <= 0) return -EINVAL;
    const addr = k.machine.memory.alloc(m.bytes);
    if (addr < 0) return -ENOMEM;
    p.memory.add(addr);
    return { addr };
  },
  [SYS.MEMFREE]: (k, p, m) => {
    if (!p.memory.delete(m.addr as number)) return -EINVAL;
    k.machine.memory.release(m.addr as number);
    return {};
  },
  [SYS.CONSOLE_WRITE]: (k, _p, m) => {
    if (typeof m.text !== "string") return -EINVAL;
    k.machine.console.write(m.text);
    return {};
  },
  [SYS.CONSOLE_READ]: (k) => ({ text: k.machine.console.takeInput() }),
  [SYS.ABORT]: (k, p, m) => {
    k.log(`halted by ${p.name} with status ${String(m.status)}`);
    k.halt(typeof m.status === "number" ? m.status : 0);
    return {};
  },
  [SYS.GETPROC]: (k, _p, m) => {
    const slot = m.slot;
    if (typeof slot !== "number" || slot < 0 || slot >= NR_SLOTS) return -EINVAL;
    const q = k.procs[slot];
    if (!q?.alive) return -ESRCH;
    return { endpoint: q.endpoint, name: q.name, program: q.program, state: q.state, priority: q.priv.priority,
      system: q.priv.system, uid: q.uid, received: q.stats.received, sent: q.stats.sent };
  },
  [SYS.SETUID]: (k, _p, m) => {
    const target = k.lookup(m.endpoint as number);
    if (!target) return -ESRCH;
    if (typeof m.uid !== "number" || !Number.isInteger(m.uid) || m.uid < 0) return -EINVAL;
    target.uid = m.uid;
    return {};
  },
  [SYS.ISOKENDPT]: (k, _p, m) => ({ alive: k.lookup(m.endpoint as number) !== undefined }),
  [SYS.HOLD]: (k, _p, m) => {
    const target = k.lookup(m.endpoint as number);
    if (!target) return -ESRCH;
    k.hold(target, m.on === true);
    return {};
  },
  [SYS.UPDATE]: (k, p, m) => {
    if (!k.updater) return -ENOSYS;
    if (m.op === "start") {
      if (typeof m.request !== "string") return -EINVAL;
      let attachment: Uint8Array | undefined;
      if (m.grant !== undefined) {
        const copied = attachmentOf(k, p, m);
        if (!(copied instanceof Uint8Array)) return copied;
        attachment = copied;
      }
      const r = k.updater.start(m.request, p, attachment);
      return "id" in r ? { id: r.id, services: r.services.join(",") } : { type: -r.errno, reason: r.reason.slice(0, 4000) };
    }
    if (m.op === "result") {
      const r = k.updater.result(p);
      return r ? { id: r.id, outcome: r.outcome, reason: r.reason.slice(0, 4000), report: r.report.length <= 4096 ? r.report : undefined } : -ESRCH;
    }
    return -EINVAL;
  },
};

export function kernelCall(k: Kernel, p: Proc, inst: Instance, req: unknown): unknown {
  if (typeof req !== "object" || req === null || util.types.isProxy(req)) return k.message(inst, { type: -EINVAL });
  const m = req as Args;
  const nr = m.type;
  if (typeof nr !== "number" || !handlers[nr]) return k.message(inst, { type: -EINVAL });
  if (!mayCall(p.priv, nr)) return k.message(inst, { type: -ECALLDENIED });
  const r = handlers[nr]!(k, p, m);
  return typeof r === "number" ? k.message(inst, { type: r }) : k.message(inst, { type: OK, ...r });
}

/** Largest attachment SYS.UPDATE copies in: far above any update package, far below the host's memory. */
const MAX_ATTACHMENT = 64 * 1024 * 1024;

/**
 * What a SYS.UPDATE start carries by grant (an update package, too big for a message):
 * `size` bytes of grant `grant` of `granter`, which must let the caller read them,
 * copied out of the granter's realm. A bad one is refused with the reason, which RS
 * passes on to whoever asked.
 */
function attachmentOf(k: Kernel, p: Proc, m: Args): Uint8Array | { type: number; reason: string } {
  const { granter, grant, size } = m;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 0) {
    return { type: -EINVAL, reason: `attachment: size ${String(size)} is not a byte count` };
  }
  if (size > MAX_ATTACHMENT) {
    return { type: -E2BIG, reason: `attachment: ${size} bytes is more than the ${MAX_ATTACHMENT / (1024 * 1024)} MiB allowed` };
  }
  const bytes = k.grants.copyToHost(p, granter, grant, size);
  if (typeof bytes !== "number") return bytes;
  const what = `attachment: grant ${String(grant)} of endpoint ${String(granter)}`;
  const reason = bytes === -EPERM ? `${what} does not exist or does not let ${p.name} read it`
    : bytes === -EFAULT ? `${what} is shorter than ${size} bytes`
    : `${what} is not a grant reference`;
  return { type: bytes, reason };
}

function argvOf(v: unknown): string[] {
  return typeof v === "string" && v.length > 0 ? v.split("\0") : [];
}

