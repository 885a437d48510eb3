/**
 * dsbench: the data store under a publisher and subscribers, every change checked.
 *
 *   dsbench [changes=100] [subscribers=2]
 *
 * The publisher (this process) forks the subscribers, which subscribe to its data
 * keys and say so by publishing an ack key of their own. It then makes `changes`
 * sets and deletes, following a plan both sides compute, in batches: after each
 * batch it waits until every subscriber has acked it, so no queue in DS overflows.
 * Each subscriber checks that every change arrives, in order, with the right key,
 * event and value (and none lost), and that it may not touch the publisher's keys.
 * At the end each publishes its counts, which the publisher adds to its own.
 */
import { ENOENT, EPERM } from "../../include/errno.js";
import { SIGKILL } from "../../include/signal.js";
import { WEXITSTATUS, WIFEXITED } from "../../include/wait.js";
import { type DsChange, type DsValue, check, publish, remove, retrieve, subscribe, waitChange } from "../../lib/ds.js";
import { SysError } from "../../lib/errors.js";
import { exit, fork, getpid, kill, sleep, waitpid } from "../../lib/unistd.js";
import { Workload } from "../../lib/workload.js";

/** Changes between acks: well under DS's per-subscriber queue. */
const BATCH = 16;
/** Distinct data keys the plan cycles through. */
const KEYS = 5;
/** Longest wait for the subscribers' acks, in ticks. */
const PATIENCE = 5000;

interface Step {
  key: string;
  event: "set" | "delete";
  value: DsValue | null;
}

/** The changes to make, the same on both sides: mostly sets, and a delete of a live key every 7th. */
function plan(prefix: string, n: number): Step[] {
  const live = new Set<string>();
  const steps: Step[] = [];
  for (let j = 0; j < n; j++) {
    const key = `${prefix}data.k${j % KEYS}`;
    if (j % 7 === 6 && live.has(key)) {
      live.delete(key);
      steps.push({ key, event: "delete", value: null });
    } else {
      live.add(key);
      steps.push({ key, event: "set", value: j % 2 ? j * 1.5 : `v${j}` });
    }
  }
  return steps;
}

function describeChange(c: Step | DsChange): string {
  return `${c.event} ${c.key}=${String(c.value)}`;
}

export async function main(argv: string[]): Promise<number> {
  const n = Math.max(1, Number(argv[0]) || 100);
  const nsubs = Math.max(1, Number(argv[1]) || 2);
  const w = new Workload("dsbench");
  const prefix = `dsbench.${await getpid()}.`;
  const steps = plan(prefix, n);
  await w.run("publish the publisher's own key", () => publish(`${prefix}publisher`, n));
  await w.run("subscribe to acks", () => subscribe(`${prefix}ack.*`));
  const acks = new Map<string, number>();
  const subs: number[] = [];
  for (let i = 0; i < nsubs; i++) {
    const pid = await w.get("fork subscriber", () => fork("subscriber", [prefix, String(i), String(n)]));
    if (pid !== undefined) subs.push(pid);
  }
  let ok = await awaitAcks(w, acks, subs.length, 0);
  for (let j = 0; ok && j < n; j++) {
    const s = steps[j]!;
    await w.run(describeChange(s), () => (s.event === "set" ? publish(s.key, s.value!) : remove(s.key)));
    if ((j + 1) % BATCH === 0 || j + 1 === n) ok = await awaitAcks(w, acks, subs.length, j + 1);
  }
  if (ok) await checkFinalValues(w, steps);
  else for (const pid of subs) await kill(pid, SIGKILL).catch(() => undefined);
  for (const pid of subs) await collectSubscriber(w, pid);
  await cleanUp(w, prefix, steps, nsubs);
  return w.finish();
}

/** Wait until every subscriber's ack key says it has seen `count` changes. */
async function awaitAcks(w: Workload, acks: Map<string, number>, nsubs: number, count: number): Promise<boolean> {
  for (let waited = 0; ; waited++) {
    for (let c = await check(); c; c = await check()) {
      if (c.event === "set" && typeof c.value === "number") acks.set(c.key, c.value);
      else await w.fail(`unexpected ack change ${describeChange(c)}`);
    }
    if (acks.size === nsubs && [...acks.values()].every((v) => v >= count)) return w.check(true, "acks");
    if (waited >= PATIENCE) {
      await w.fail(`subscribers stalled before acking ${count} changes: ${JSON.stringify([...acks])}`);
      return false;
    }
    await sleep(1);
  }
}

/** What DS holds now is what the plan left. */
async function checkFinalValues(w: Workload, steps: Step[]): Promise<void> {
  const last = new Map<string, Step>();
  for (const s of steps) last.set(s.key, s);
  for (const s of last.values()) {
    try {
      const v = await retrieve(s.key);
      await w.check(s.event === "set" && v === s.value, `retrieve ${s.key}: ${String(v)} after ${describeChange(s)}`);
    } catch (e) {
      await w.check(s.event === "delete" && e instanceof SysError && e.errno === ENOENT,
        `retrieve ${s.key}: ${String(e)}`);
    }
  }
}

async function collectSubscriber(w: Workload, pid: number): Promise<void> {
  const r = await w.get(`wait for subscriber ${pid}`, () => waitpid(pid));
  if (!r) return;
  await w.check(WIFEXITED(r.status) && WEXITSTATUS(r.status) === 0,
    `subscriber ${pid} ended with status word ${r.status}`);
}

/** Remove this run's keys (the subscribers are gone, so their keys are ours to delete) and add their counts. */
async function cleanUp(w: Workload, prefix: string, steps: Step[], nsubs: number): Promise<void> {
  for (let i = 0; i < nsubs; i++) {
    const counts = await retrieve(`${prefix}result.${i}`).catch(() => undefined);
    if (typeof counts !== "string") {
      await w.fail(`subscriber ${i} left no result`);
    } else {
      const [ops, errors] = counts.split(" ").map(Number);
      w.ops += ops!;
      w.errors += errors!;
    }
  }
  const keys = new Set([`${prefix}publisher`, ...steps.map((s) => s.key)]);
  for (let i = 0; i < nsubs; i++) keys.add(`${prefix}ack.${i}`).add(`${prefix}result.${i}`);
  for (const key of keys) await remove(key).catch(() => undefined);
}

/** A subscriber: check every planned change as it arrives; ack each batch; publish its counts. */
export async function subscriber(argv: string[]): Promise<never> {
  const [prefix, index] = argv as [string, string];
  const n = Number(argv[2]);
  const w = new Workload("dsbench-subscriber");
  const ack = `${prefix}ack.${index}`;
  await w.run("subscribe to data", () => subscribe(`${prefix}data.*`));
  await w.run("ack ready", () => publish(ack, 0));
  const steps = plan(prefix, n);
  for (let j = 0; j < n; j++) {
    const want = steps[j]!;
    const got = await waitChange();
    await w.check(got.key === want.key && got.event === want.event && got.value === want.value && got.lost === 0,
      `change ${j}: got ${describeChange(got)} lost=${got.lost}, expected ${describeChange(want)}`);
    if ((j + 1) % BATCH === 0 || j + 1 === n) await w.run("ack", () => publish(ack, j + 1));
  }
  try {
    await publish(`${prefix}publisher`, "not mine");
    await w.fail("overwrote the publisher's key");
  } catch (e) {
    await w.check(e instanceof SysError && e.errno === EPERM, `overwrite the publisher's key: ${String(e)}`);
  }
  await publish(`${prefix}result.${index}`, `${w.ops} ${w.errors}`);
  return exit(w.errors === 0 ? 0 : 1);
}
