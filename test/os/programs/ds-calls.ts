/** DS scenarios, run as init of a system without a file system (see pm-calls.ts for the conventions). */
import { DS_PROC_NR } from "../../../os/include/com.js";
import { DS, DS_KEY_MAX, DS_MAX_PATTERNS, DS_QUEUE_LIMIT } from "../../../os/include/ds.js";
import { EINVAL, ENOENT, ENOSPC, ENOSYS, EPERM } from "../../../os/include/errno.js";
import type { Message } from "../../../os/include/ipc.js";
import { WEXITSTATUS } from "../../../os/include/wait.js";
import { type DsChange, check, publish, remove, retrieve, subscribe, waitChange } from "../../../os/lib/ds.js";
import { sendrec } from "../../../os/lib/ipc.js";
import { exit, fork, sleep, waitpid } from "../../../os/lib/unistd.js";
import { assert, assertEq, assertErrno } from "./checks.js";

type Scenario = () => Promise<void>;

function show(c: DsChange | null): string {
  return c ? `${c.event} ${c.key}=${String(c.value)} lost=${c.lost}` : "none";
}

const SCENARIOS: Record<string, Scenario> = {
  async store() {
    await publish("a.str", "hello");
    await publish("a.num", 42.5);
    assertEq(await retrieve("a.str"), "hello", "string value");
    assertEq(await retrieve("a.num"), 42.5, "number value");
    await publish("a.str", "again");
    assertEq(await retrieve("a.str"), "again", "updated value");
    await assertErrno(retrieve("a.none"), ENOENT, "missing key");
    await remove("a.str");
    await assertErrno(retrieve("a.str"), ENOENT, "deleted key");
    await assertErrno(remove("a.str"), ENOENT, "delete twice");
    await publish("a.str", "x".repeat(4000));
    assertEq((await retrieve("a.str")).toString().length, 4000, "long value");
  },

  async ownership() {
    await publish("mine", 1);
    const pid = await fork("trespasser", []);
    const r = await waitpid(pid);
    assertEq(WEXITSTATUS(r.status), 0, "the child's checks");
    assertEq(await retrieve("mine"), 1, "our key is untouched");
    assertEq(await retrieve("child.key"), "left behind", "the child's key outlives it");
    await publish("child.key", "taken over"); // its owner is gone
    await remove("child.key");
    await assertErrno(publish("service.fake", 1), EPERM, "service.* is RS's");
  },

  async subscribe() {
    await subscribe("sub.*");
    await subscribe("exact.k");
    await publish("sub.a", 1);
    await publish("other.b", 2);
    await publish("exact.k2", 3);
    await publish("sub.b", "x");
    await publish("exact.k", 4);
    await remove("sub.a");
    const got: string[] = [];
    for (let c = await check(); c; c = await check()) got.push(show(c));
    assertEq(got.join("; "), "set sub.a=1 lost=0; set sub.b=x lost=0; set exact.k=4 lost=0; delete sub.a=null lost=0",
      "changes in order");
    await subscribe("sub.*"); // subscribing twice changes nothing
    await publish("sub.c", 5);
    assertEq(show(await check()), "set sub.c=5 lost=0", "one change per subscriber");
    assertEq(await check(), null, "nothing more");
  },

  async initial() {
    await publish("init.a", "A");
    await publish("init.b", "B");
    await publish("other", "C");
    await subscribe("init.*", true);
    assertEq(show(await check()), "set init.a=A lost=0", "first existing key");
    assertEq(show(await check()), "set init.b=B lost=0", "second existing key");
    assertEq(await check(), null, "only matching keys");
  },

  async notify() {
    await subscribe("ready.*");
    const pids = [await fork("subscriber", ["0"]), await fork("subscriber", ["1"])];
    for (let ready = 0; ready < pids.length;) {
      const c = await waitChange();
      if (c.key.startsWith("ready.")) ready++;
    }
    for (let i = 0; i < 40; i++) await publish(`feed.${i % 3}`, i % 2 ? i : `v${i}`);
    await remove("feed.0");
    for (const pid of pids) assertEq(WEXITSTATUS((await waitpid(pid)).status), 0, `subscriber ${pid}`);
  },

  async overflow() {
    await subscribe("flood.*");
    const n = DS_QUEUE_LIMIT + 5;
    for (let i = 0; i < n; i++) await publish("flood.k", i);
    const first = await check();
    assertEq(show(first), "set flood.k=5 lost=5", "oldest changes dropped and counted");
    let rest = 0;
    while (await check()) rest++;
    assertEq(rest, DS_QUEUE_LIMIT - 1, "the queue holds the newest");
  },

  async badcalls() {
    const raw = (m: Message) => sendrec(DS_PROC_NR, m);
    const bad: Array<[Message, number]> = [
      [{ type: 0x4ff }, ENOSYS],
      [{ type: DS.PUBLISH, value: 1 }, EINVAL],
      [{ type: DS.PUBLISH, key: 7, value: 1 }, EINVAL],
      [{ type: DS.PUBLISH, key: "", value: 1 }, EINVAL],
      [{ type: DS.PUBLISH, key: "k".repeat(DS_KEY_MAX + 1), value: 1 }, EINVAL],
      [{ type: DS.PUBLISH, key: "a*", value: 1 }, EINVAL],
      [{ type: DS.PUBLISH, key: "a b", value: 1 }, EINVAL],
      [{ type: DS.PUBLISH, key: "k" }, EINVAL],
      [{ type: DS.PUBLISH, key: "k", value: Number.NaN }, EINVAL],
      [{ type: DS.PUBLISH, key: "k", value: Infinity }, EINVAL],
      [{ type: DS.PUBLISH, key: "k", value: true }, EINVAL],
      [{ type: DS.PUBLISH, key: "k", value: null }, EINVAL],
      [{ type: DS.PUBLISH, key: "k", value: 1n }, EINVAL],
      [{ type: DS.RETRIEVE }, EINVAL],
      [{ type: DS.DELETE, key: null }, EINVAL],
      [{ type: DS.SUBSCRIBE }, EINVAL],
      [{ type: DS.SUBSCRIBE, pattern: "" }, EINVAL],
      [{ type: DS.SUBSCRIBE, pattern: "a*b" }, EINVAL],
      [{ type: DS.SUBSCRIBE, pattern: "**" }, EINVAL],
      [{ type: DS.CHECK }, ENOENT],
    ];
    for (const [m, errno] of bad) {
      const r = await raw(m);
      assertEq(r.type, -errno, `request ${JSON.stringify(m, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))}`);
    }
    for (let i = 0; i < DS_MAX_PATTERNS; i++) await subscribe(`p${i}.*`);
    await assertErrno(subscribe("one.more"), ENOSPC, "too many patterns");
    await publish("still", "serving");
    assertEq(await retrieve("still"), "serving", "DS still serves");
  },

  async "service-keys"() {
    // RS publishes every service's endpoint when it starts.
    for (let i = 0; i < 10; i++) {
      try {
        assertEq(await retrieve("service.ds"), DS_PROC_NR, "service.ds");
        return;
      } catch {
        await sleep(5);
      }
    }
    throw new Error("service.ds never published");
  },
};

export async function main(argv: string[]): Promise<number> {
  const scenario = SCENARIOS[argv[0] ?? ""];
  if (!scenario) throw new Error(`no scenario '${argv[0]}'`);
  await scenario();
  return 0;
}

export async function trespasser(): Promise<never> {
  await assertErrno(publish("mine", 2), EPERM, "overwrite another's key");
  await assertErrno(remove("mine"), EPERM, "delete another's key");
  await publish("child.key", "left behind");
  return exit(0);
}

/** Subscribe to feed.*, say so, and check the 40 sets and a delete arrive in order with their values. */
export async function subscriber(argv: string[]): Promise<number> {
  await subscribe("feed.*");
  await publish(`ready.${argv[0]}`, 1);
  for (let i = 0; i < 40; i++) {
    const c = await waitChange();
    assert(c.key === `feed.${i % 3}` && c.event === "set" && c.value === (i % 2 ? i : `v${i}`) && c.lost === 0,
      `change ${i}: ${show(c)}`);
  }
  const last = await waitChange();
  assertEq(show(last), "delete feed.0=null lost=0", "the delete");
  return 0;
}
