/**
 * Kernel test scenarios, run as processes. Each exported entry checks one behaviour
 * from inside a realm and returns 0, or throws describing what went wrong (the test
 * reads the process's death record).
 */
import {
  IpcError, asend, grant, grantIndirect, kcall, notify, physcopy, receive, revoke, safecopy, self, send, sendrec, uptime,
} from "../../../os/lib/ipc.js";
import { ANY, CLOCK, GRANT_READ, GRANT_WRITE, NOTIFY_MESSAGE, type Message } from "../../../os/include/ipc.js";
import { SYS } from "../../../os/include/kcall.js";
import { ECHO, CRASH, STALL, RELEASE } from "./echo-server.js";

const SERVER = 1;

function assert(cond: unknown, what: string): void {
  if (!cond) throw new Error(`assertion failed: ${what}`);
}

async function errnoOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 0;
  } catch (e) {
    if (e instanceof IpcError) return e.errno;
    throw e;
  }
}

export async function main(): Promise<number> {
  return 0;
}

export async function roundtrip(): Promise<number> {
  const m: Message = { type: ECHO, value: "hi", source: 12345 };
  const r = await sendrec(SERVER, m);
  assert(r.type === 0 && r.value === "hi", "echoed value");
  assert(r.from === self(), "kernel sets source: forged source replaced");
  assert(r.sawCallId === true, "request carried a call id");
  assert(r.source === SERVER, "reply source is the server");
  m.value = "changed";
  assert(r.value === "hi", "reply is a copy");
  assert(Object.getPrototypeOf(r) === Object.prototype, "reply object belongs to this realm");
  return 0;
}

export async function badMessages(): Promise<number> {
  const bad: unknown[] = [
    { type: ECHO, value: { nested: 1 } },
    { type: ECHO, value: () => 1 },
    { type: ECHO, value: new Uint8Array(4) },
    { type: "not a number" },
    [1, 2, 3],
    new Proxy({ type: ECHO }, {}),
    Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, i]).concat([["type", ECHO]])),
    { type: ECHO, value: "x".repeat(5000) },
  ];
  for (const m of bad) assert((await errnoOf(sendrec(SERVER, m as Message))) === 22, `EINVAL for ${String(m)}`);
  assert((await errnoOf(sendrec(-77, { type: ECHO }))) === 22, "EINVAL for a negative endpoint");
  assert((await errnoOf(sendrec(SERVER + 4096 * 5, { type: ECHO }))) === 105, "EDEADSRCDST for a stale generation");
  assert((await errnoOf(sendrec(900, { type: ECHO }))) === 105, "EDEADSRCDST for an empty slot");
  const r = await sendrec(SERVER, { type: ECHO, value: 7 });
  assert(r.value === 7, "server still serves after bad messages");
  return 0;
}

export async function notifications(): Promise<number> {
  // Two notifications before a receive merge into one.
  notify(SERVER);
  notify(SERVER);
  const n = await receive(SERVER);
  assert(n.type === NOTIFY_MESSAGE && n.source === SERVER, "notification from the server");
  return 0;
}

export async function alarm(): Promise<number> {
  const t0 = uptime();
  const r = kcall({ type: SYS.SETALARM, ticks: 25 });
  assert(r.type === 0, "SETALARM allowed");
  const n = await receive(CLOCK);
  assert(n.type === NOTIFY_MESSAGE && n.source === CLOCK, "alarm arrives from CLOCK");
  assert(uptime() - t0 >= 25, `alarm after 25 ticks (got ${uptime() - t0})`);
  return 0;
}

export async function deadPeer(): Promise<number> {
  // A call outstanding when the server dies fails with EDEADSRCDST.
  const stalled = sendrec(SERVER, { type: STALL });
  const crash = sendrec(SERVER, { type: CRASH });
  assert((await errnoOf(stalled)) === 105, "stalled call fails when the server dies");
  assert((await errnoOf(crash)) === 105, "the crashing call fails too");
  return 0;
}

export async function held(): Promise<number> {
  // The test host holds the server; our three requests must arrive in order after release.
  const a = sendrec(SERVER, { type: ECHO, value: 1 });
  const b = sendrec(SERVER, { type: ECHO, value: 2 });
  asend(SERVER, { type: STALL });
  const c = sendrec(SERVER, { type: RELEASE });
  const order: number[] = [];
  await Promise.all([a.then((r) => order.push(r.value as number)), b.then((r) => order.push(r.value as number)), c]);
  assert(order.join() === "1,2", `order preserved (${order.join()})`);
  return 0;
}

export async function blockingSend(): Promise<number> {
  await send(SERVER, { type: STALL });
  const r = await sendrec(SERVER, { type: RELEASE });
  assert(r.type === 0, "release answered");
  return 0;
}

export async function grants(): Promise<number> {
  const buf = new Uint8Array(16).map((_, i) => i);
  const me = self();
  // The grant is to ourselves so we can exercise the checks without a second process.
  const g = grant(me, buf, 4, 8, GRANT_READ);
  assert(g > 0, "grant id");
  const into = new Uint8Array(8);
  assert(safecopy(me, g, 0, into, 0, 8, GRANT_READ) === 8, "safecopy read");
  assert(into[0] === 4 && into[7] === 11, "copied the granted window");
  assert(safecopy(me, g, 4, into, 0, 8, GRANT_READ) === -14, "EFAULT past the grant");
  assert(safecopy(me, g, 0, into, 0, 8, GRANT_WRITE) === -1, "EPERM writing a read-only grant");
  assert(safecopy(me, g + 100, 0, into, 0, 1, GRANT_READ) === -1, "EPERM for an unknown grant");
  assert(safecopy(me, g, 0, into, 4, 8, GRANT_READ) === -14, "EFAULT past the local buffer");
  const other = grant(SERVER, buf, 0, 16, GRANT_READ | GRANT_WRITE);
  assert(safecopy(me, other, 0, into, 0, 1, GRANT_READ) === -1, "EPERM for a grant to someone else");
  const w = grant(me, buf, 0, 16, GRANT_WRITE | GRANT_READ);
  assert(safecopy(me, w, 0, new Uint8Array([99, 98]), 0, 2, GRANT_WRITE) === 2, "safecopy write");
  assert(buf[0] === 99 && buf[1] === 98, "write landed in the granted buffer");
  const ind = grantIndirect(me, me, w);
  assert(ind > 0, "indirect grant");
  assert(safecopy(me, ind, 1, into, 0, 1, GRANT_READ) === 1 && into[0] === 98, "copy through an indirect grant");
  assert(revoke(w) === 0, "revoke");
  assert(safecopy(me, ind, 0, into, 0, 1, GRANT_READ) === -1, "indirect grant dies with its target");
  assert(grant(me, [1, 2] as unknown as Uint8Array, 0, 1, GRANT_READ) === -22, "EINVAL granting a non-buffer");
  return 0;
}

export async function isolation(): Promise<number> {
  const g = globalThis as Record<string, unknown>;
  for (const name of ["process", "require", "module", "Buffer", "setTimeout", "setImmediate", "console", "global"]) {
    assert(g[name] === undefined, `no host global '${name}'`);
  }
  const trap = (g.__proteos as { trap: unknown }).trap as () => void;
  const F = (trap as unknown as { constructor: FunctionConstructor }).constructor;
  const outer = F("return globalThis")();
  assert(outer === globalThis, "the trap's Function constructor is this realm's");
  assert((F("return typeof process")() as string) === "undefined", "no way to the host's process object");
  // The global object's own prototype chain is the realm's, not the host's.
  const GF = (globalThis as unknown as { constructor: { constructor: FunctionConstructor } }).constructor.constructor;
  assert((GF("return typeof process")() as string) === "undefined", "the global object leads back only into this realm");
  const m = await sendrec(SERVER, { type: ECHO, value: 1 });
  const MF = (m as unknown as { constructor: { constructor: FunctionConstructor } }).constructor.constructor;
  assert(MF("return globalThis")() === globalThis, "a received message leads back only into this realm");
  let threw = false;
  try {
    // A kernel reply is a realm object too.
    const r = kcall({ type: 999 });
    assert(Object.getPrototypeOf(r) === Object.prototype, "kernel reply belongs to this realm");
    assert(r.type === -22, "unknown kernel call is EINVAL");
  } catch {
    threw = true;
  }
  assert(!threw, "kernel call with a bad number does not throw");
  return 0;
}

export async function denied(): Promise<number> {
  assert((await errnoOf(sendrec(SERVER, { type: ECHO }))) === 104, "ECALLDENIED sending outside our privileges");
  const r = kcall({ type: SYS.SETALARM, ticks: 1 });
  assert(r.type === -104, "ECALLDENIED for a kernel call we may not make");
  return 0;
}


export async function virtualTime(): Promise<number> {
  const before = Date.now();
  kcall({ type: SYS.SETALARM, ticks: 40 });
  await receive(CLOCK);
  const elapsed = Date.now() - before;
  assert(elapsed >= 40 && elapsed < 45, `Date follows virtual time (${elapsed} ms for 40 ticks)`);
  assert(new Date().getUTCFullYear() === 2026, "new Date() is virtual too");
  const a = Math.random();
  assert(a >= 0 && a < 1, "Math.random in range");
  return 0;
}

/** Start a rejection nobody handles: the kernel must kill this process for it. */
export async function strayRejection(): Promise<number> {
  void Promise.reject(new Error("nobody catches this"));
  await receive(CLOCK); // never arrives
  return 0;
}

/** Allocate physical memory and end without freeing it: the kernel must reclaim it. */
export async function holdMemory(): Promise<number> {
  const r = kcall({ type: SYS.MEMALLOC, bytes: 8192 });
  assert(r.type === 0 && typeof r.addr === "number", "MEMALLOC");
  assert(kcall({ type: SYS.MEMFREE, addr: (r.addr as number) + 8 }).type === -22, "MEMFREE of a non-start address");
  assert(kcall({ type: SYS.DISKIO, op: "read", sector: 0, count: 1, addr: 0x10_0000 }).type === -22,
    "DMA into memory the caller does not own");
  const buf = new Uint8Array(16);
  assert(physcopy(0x10_0000, buf, 0, 16, false) === -22, "physcopy from memory the caller does not own");
  assert(physcopy(r.addr as number, buf, 0, 16, true) === 16, "physcopy into its own buffer");
  return 0;
}

/** Requests sent while the host swaps the server's instance: all answered, in order, by the new one. */
export async function swapped(): Promise<number> {
  const replies = await Promise.all([1, 2, 3].map((v) => sendrec(SERVER, { type: ECHO, value: v })));
  assert(replies.map((r) => r.value).join() === "1,2,3", "every request answered in order");
  assert(replies.every((r) => r.version === "2"), `answered by the new version (${replies.map((r) => r.version)})`);
  return 0;
}
