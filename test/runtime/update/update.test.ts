/**
 * Live update of the running OS (runtime/update): identity updates of every server
 * under `mixed`, all servers at once, VFS+MFS under `fsstress`, RS updating itself, a
 * new version with a changed type (automatic and by transformer), and every way an
 * update can fail, each rolled back with the old state intact and no message lost.
 *
 * Two instrumented builds serve every test: the OS as it is ("boot") and "v2", a copy
 * with edits that each serve one test (see V2_EDITS).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildImage } from "../../../instrumenter/build/image.js";
import type { LiveUpdateRequest } from "../../../os/include/rs.js";
import { LiveSystem } from "../../../runtime/live-system.js";
import { viewOf } from "../../../runtime/process-view.js";
import type { UpdateReport } from "../../../runtime/update/report.js";
import type { Version } from "../../../runtime/update/versions.js";
import { readProfile } from "../../../runtime/check/profile.js";
import { REPO } from "../../support/image.js";
import { finishes } from "../../support/live.js";
import { buildVersion, replace } from "../../support/versions.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-update-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * The second version: each server changed for one test.
 *   pm   MProc gains a counter with an initializer (transferred automatically), set
 *        after the transfer by the new version's afterUpdate() to the children it has
 *   ds   Entry gains a required field with no initializer (needs a transformer)
 *   blk  cannot load (its module throws)
 *   tty  crashes when it starts as a new version
 *   rs   crashes when it starts as a new version
 *   mfs  declares a wrong invariant (no inode in use: the mounted root always is)
 */
const V2_EDITS = {
  "servers/pm/state.ts": replace("  waitStatus = 0;", "  waitStatus = 0;\n  /** Children forked. */\n  forks = 0;"),
  "servers/pm/fork.ts": replace("  parent.addChild(child);", "  parent.addChild(child);\n  parent.forks++;"),
  "servers/pm/main.ts": replace("import { handlerFor } from \"./table.js\";",
    "import { handlerFor } from \"./table.js\";\nimport { procs } from \"./state.js\";\n\n"
    + "export function afterUpdate(): void {\n  for (const p of procs.all()) p.forks = [...p.children()].length;\n}"),
  "servers/ds/state.ts": replace("constructor(readonly key: string, public value: Value, public owner: number) {}",
    "constructor(readonly key: string, public value: Value, public owner: number, readonly created: number) {}"),
  "servers/ds/store.ts": replace("new Entry(key, value, m.source!)", "new Entry(key, value, m.source!, uptime())"),
  "drivers/blk/main.ts": replace("export async function main", "throw new Error(\"blk v2: no such disk model\");\n\nexport async function main"),
  "drivers/tty/main.ts": replace("  if (startMode() !== \"update\") {",
    "  if (startMode() === \"update\") throw new Error(\"tty v2 cannot resume a console\");\n  if (startMode() !== \"update\") {"),
  "servers/rs/main.ts": replace("  if (startMode() !== \"update\") {\n    learnServices();",
    "  if (startMode() === \"update\") throw new Error(\"rs v2 lost its services\");\n  if (startMode() !== \"update\") {\n    learnServices();"),
  "servers/mfs/invariants.ts": replace("  return [...checkCache(), ...checkInodes(), ...checkVolume()];",
    "  const used = itable.slots.filter((ip) => ip.count > 0).length;\n"
    + "  return [...checkCache(), ...checkInodes(), ...checkVolume(), ...(used > 0 ? [`${used} inodes in use`] : [])];"),
};

let boot: BuildImage;
let v2: BuildImage;

beforeAll(() => {
  boot = buildVersion(path.join(tmp, "boot"));
  v2 = buildVersion(path.join(tmp, "v2"), {
    ...V2_EDITS,
    "servers/ds/store.ts": (t) => V2_EDITS["servers/ds/store.ts"](t).replace(
      'import { ', 'import { uptime } from "../../lib/ipc.js";\nimport { '),
  });
}, 120_000);

/** A system running `workload` from the boot build, with v2 staged (with `v2Extras`). */
function system(workload: string, seed = 3, v2Extras: Partial<Version> = {}): LiveSystem {
  const live = new LiveSystem({ seed, initArgv: [workload], image: boot });
  live.stage({ label: "v2", image: v2, ...v2Extras });
  live.system.boot();
  return live;
}

/** Run to `tick`, ask for the update, run until it ends; returns its report. */
async function updateAt(live: LiveSystem, tick: number, request: LiveUpdateRequest): Promise<UpdateReport> {
  await live.system.run(tick);
  return live.runUntil(live.update({ digest: true, ...request }), 5_000);
}

/** What the runtime sees of PM now. */
function pmView(live: LiveSystem) {
  const pm = live.system.kernel.procs[0]!.instance!;
  return viewOf("pm", pm.realm, v2.metadata("pm"), "servers/pm/main.ts");
}

function expectCommitted(r: UpdateReport): void {
  expect(r.outcome, r.reason).toBe("committed");
  expect(r.reason).toBe("");
  expect(r.phases.map((p) => p.phase)).toEqual(["request", "quiescence", "load", "transfer", "checks", "commit"]);
  for (const p of r.phases) {
    expect(p.ticks).toBeGreaterThanOrEqual(0);
    expect(p.ms).toBeGreaterThanOrEqual(0);
  }
  expect(r.objects).toBeGreaterThan(0);
  expect(r.bytes).toBeGreaterThan(r.objects);
  expect(r.checksRun).toBeGreaterThan(0);
}

/** Rolled back in `phase` for `why`; the old state after the rollback is exactly the state at quiescence. */
function expectRolledBack(r: UpdateReport, phase: string, why: RegExp): void {
  expect(r.outcome).toBe("rolled-back");
  expect(r.reason).toMatch(why);
  expect(r.failedPhase).toBe(phase);
  expect(r.phases.at(-1)?.phase).toBe("rollback");
  // Past quiescence every component was held: its state then and after the rollback hash the same.
  for (const c of r.components) {
    if (phase === "quiescence" && !c.digest) continue;
    expect(c.digest, c.name).toBeDefined();
    expect(c.digest!.after, `${c.name}'s state after the rollback`).toBe(c.digest!.before);
  }
}

const SERVERS = ["pm", "vfs", "rs", "ds", "mfs", "blk", "tty"];

describe("identity updates under mixed", () => {
  it("updates every server to itself, one after another: state deep-equal, no workload error", async () => {
    const live = system("mixed");
    let tick = 150;
    for (const name of SERVERS) {
      const r = await updateAt(live, tick, { components: [{ name }] });
      expectCommitted(r);
      const c = r.components[0]!;
      expect(c).toMatchObject({ name, from: "boot", to: "boot" });
      expect(c.digest!.after, `${name}: the new state equals the old`).toBe(c.digest!.before);
      tick = live.system.machine.clock.now + 20;
    }
    await finishes(live, "mixed");
  });

  it("updates all servers at once, atomically", async () => {
    const live = system("mixed", 4);
    const r = await updateAt(live, 400, { components: SERVERS.map((name) => ({ name })) });
    expectCommitted(r);
    expect(r.components.map((c) => c.name)).toEqual(SERVERS);
    for (const c of r.components) expect(c.digest!.after, c.name).toBe(c.digest!.before);
    await finishes(live, "mixed");
  });
});

describe("multi-component update", () => {
  it("updates VFS and MFS together under fsstress, holding back users while VFS drains", async () => {
    const live = system("fsstress", 5);
    const r = await updateAt(live, 300, {
      components: [{ name: "vfs", hold: [{ from: "users" }] }, { name: "mfs" }],
    });
    expectCommitted(r);
    for (const c of r.components) expect(c.digest!.after, c.name).toBe(c.digest!.before);
    await finishes(live, "fsstress");
  });
});

describe("RS", () => {
  it("updates itself, and answers the request from its new version", async () => {
    const live = system("mixed", 6);
    const r = await updateAt(live, 300, { components: [{ name: "rs" }] });
    expectCommitted(r);
    expect(r.components[0]!.digest!.after).toBe(r.components[0]!.digest!.before);
    await finishes(live, "mixed");
  });

  it("rolls back its own failed update, and its old version answers", async () => {
    const live = system("mixed", 20);
    expectRolledBack(await updateAt(live, 300, { components: [{ name: "rs", version: "v2" }] }), "commit", /rs v2 lost its services/);
    const after = await live.runUntil(live.update({ components: [{ name: "ds" }] }), 2_000);
    expect(after.outcome, "the old RS still manages updates").toBe("committed");
    await finishes(live, "mixed");
  });
});

describe("a new version", () => {
  it("gets a field added with its initializer, transferred automatically, and runs the new code", async () => {
    const live = system("mixed", 7);
    const r = await updateAt(live, 300, { components: [{ name: "pm", version: "v2" }] });
    expectCommitted(r);
    expect(r.components[0]).toMatchObject({ from: "boot", to: "v2" });
    expect(r.components[0]!.typesTransformed).toContain("servers/pm/state.ts#MProc");
    // afterUpdate counted the children each process had; every fork since added one.
    const view = pmView(live);
    const table = view.rt.accessors("servers/pm/state.ts")!.get.procs!() as { all(): Iterable<{ forks: number; children(): Iterable<unknown> }> };
    const counts = [...table.all()].map((p) => [p.forks, [...p.children()].length]);
    expect(counts.some(([, children]) => children! > 0)).toBe(true);
    for (const [forks, children] of counts) expect(forks).toBeGreaterThanOrEqual(children!);
    await finishes(live, "mixed");
  });

  it("is refused before anything is touched when a change needs a transformer and has none", async () => {
    const live = system("mixed", 8);
    const r = await updateAt(live, 300, { components: [{ name: "ds", version: "v2" }] });
    expect(r.outcome).toBe("rejected");
    expect(r.reason).toMatch(/servers\/ds\/state\.ts#Entry.*created/);
    await finishes(live, "mixed");
  });

  it("transfers a change through its transformer", async () => {
    const live = system("mixed", 8, {
      transformers: { types: { "servers/ds/state.ts#Entry": (old, h) => h.object("servers/ds/state.ts#Entry", {
        ...(h.fields(old)), created: 0,
      }) } },
    });
    const r = await updateAt(live, 300, { components: [{ name: "ds", version: "v2" }] });
    expectCommitted(r);
    await finishes(live, "mixed");
  });
});

describe("rollback", () => {
  it("when the new version cannot load", async () => {
    const live = system("mixed", 9);
    expectRolledBack(await updateAt(live, 300, { components: [{ name: "blk", version: "v2" }] }), "load", /blk v2: no such disk model/);
    await finishes(live, "mixed");
  });

  it("when a transformer throws", async () => {
    const live = system("mixed", 10, {
      transformers: { types: { "servers/ds/state.ts#Entry": () => { throw new Error("cannot date this entry"); } } },
    });
    expectRolledBack(await updateAt(live, 300, { components: [{ name: "ds", version: "v2" }] }), "transfer", /cannot date this entry/);
    await finishes(live, "mixed");
  });

  it("when the new state breaks a type invariant", async () => {
    const live = system("mixed", 11, {
      transformers: { types: { "servers/ds/state.ts#Entry": (old, h) => h.object("servers/ds/state.ts#Entry", {
        ...(h.fields(old)), created: "yesterday",
      }) } },
    });
    expectRolledBack(await updateAt(live, 300, { components: [{ name: "ds", version: "v2" }] }), "checks", /created/);
    await finishes(live, "mixed");
  });

  it("when the new state breaks an invariant the server declares", async () => {
    const live = system("fsstress", 12);
    expectRolledBack(await updateAt(live, 200, { components: [{ name: "mfs", version: "v2" }] }), "checks", /mfs's invariants violated: \d+ inodes in use/);
    await finishes(live, "fsstress");
  });

  it("when the new version crashes before it serves", async () => {
    const live = system("mixed", 13);
    expectRolledBack(await updateAt(live, 300, { components: [{ name: "tty", version: "v2" }] }), "commit", /tty v2 cannot resume/);
    await finishes(live, "mixed");
  });

  it("of every component when one of a multi-component update fails", async () => {
    const live = system("mixed", 14);
    const r = await updateAt(live, 300, { components: [{ name: "ds" }, { name: "tty", version: "v2" }] });
    expectRolledBack(r, "commit", /tty v2/);
    expect(r.components.map((c) => c.name)).toEqual(["ds", "tty"]);
    await finishes(live, "mixed");
  });

  it("when the requested state is not reached before the deadline", async () => {
    const live = system("mixed", 15);
    const r = await updateAt(live, 300, { components: [{ name: "ds", filter: "entries.size < 0" }], maxtime: 150 });
    expectRolledBack(r, "quiescence", /^deadline: ds did not reach the requested state \(ds: its state filter is false\) after 150 ticks$/);
    expect(r.endedAt - r.requestedAt).toBe(150);
    await finishes(live, "mixed");
  });
});

describe("states and checks", () => {
  it("waits for a protocol-free state a server declares, and refuses one a server does not declare", async () => {
    const live = system("fsstress", 21);
    expectCommitted(await updateAt(live, 200, { components: [{ name: "vfs", state: "protocol-free", hold: [{ from: "users" }] },
      { name: "mfs", state: "protocol-free" }] }));
    const r = await live.runUntil(live.update({ components: [{ name: "ds", state: "protocol-free" }] }), 1_000);
    expect(r.outcome).toBe("rejected");
    expect(r.reason).toMatch(/ds declares no protocol-free state/);
    await finishes(live, "fsstress");
  });

  it("checks likely invariants learned by profiling: clean in fail mode, a broken one warns or rolls back", async () => {
    const profile = readProfile(path.join(REPO, "fixtures/invariants"), "ds");
    // A profile that learned wrongly that owners are endpoints of 1000 and up.
    const strict = structuredClone(profile);
    strict.locations["servers/ds/state.ts#entries[].owner"]!.check.min = 1000;
    const live = new LiveSystem({ seed: 22, initArgv: ["mixed"], image: boot });
    live.stage({ label: "profiled", image: boot, invariants: { ds: profile } });
    live.stage({ label: "strict", image: boot, invariants: { ds: strict } });
    live.system.boot();
    const clean = await updateAt(live, 300, { components: [{ name: "ds", version: "profiled" }], likely: "fail" });
    expectCommitted(clean);
    expect(clean.components[0]!.warnings).toEqual([]);
    const warned = await live.runUntil(live.update({ components: [{ name: "ds", version: "strict" }], likely: "warn" }), 2_000);
    expectCommitted(warned);
    expect(warned.components[0]!.warnings.join("\n")).toMatch(/entries\[.*\]\.owner/);
    const failed = await live.runUntil(live.update({ components: [{ name: "ds", version: "strict" }], likely: "fail", digest: true }), 2_000);
    expectRolledBack(failed, "checks", /likely invariants violated: .*owner/);
    await finishes(live, "mixed");
  });
});

describe("the shell", () => {
  it("updates a service with `service update`, as root, and shows the update in `service status`", async () => {
    const live = new LiveSystem({ seed: 19, initArgv: ["sh"], image: boot });
    live.system.boot();
    await live.system.run(200);
    live.system.machine.console.type("service update ds --state request-free --maxtime 500\nservice status\n");
    await live.system.run(2_000);
    const out = live.system.consoleOutput;
    expect(out).toMatch(/update 1 of ds: committed\n  phases \(ticks\): request \d+, quiescence \d+, load \d+, transfer \d+, checks \d+, commit \d+\n  transferred \d+ objects/);
    expect(out).toMatch(/^ds\s+3 up\s+0\s+1 ds$/m);
    live.system.machine.console.type("service update ds --filter 'entries.sise == 0'\nservice update nothing\n");
    await live.system.run(3_000);
    expect(live.system.consoleOutput).toMatch(/service: rs update ds: EINVAL \(state filter: .*sise/);
    expect(live.system.consoleOutput).toMatch(/service: rs update nothing: EINVAL \(no system process named "nothing"/);
    live.system.machine.powerOff();
  });
});

describe("requests", () => {
  it("are refused with the bad part of a state filter pointed at", async () => {
    const live = system("mixed", 16);
    const r = await updateAt(live, 100, { components: [{ name: "ds", filter: "entries.sise == 0" }] });
    expect(r.outcome).toBe("rejected");
    expect(r.reason).toMatch(/sise/);
    expect(r.reason).toContain("^");
    await finishes(live, "mixed");
  });

  it("are refused while another update is in flight (busy)", async () => {
    const live = system("mixed", 17);
    await live.system.run(300);
    const first = live.update({ components: [{ name: "ds", filter: "entries.size < 0" }], maxtime: 100 });
    const second = live.update({ components: [{ name: "pm" }] });
    const [a, b] = await live.runUntil(Promise.all([first, second]), 2_000);
    expect(b.outcome).toBe("rejected");
    expect(b.reason).toMatch(/busy: update \d+ \(ds\) is in flight/);
    expect(a.outcome).toBe("rolled-back");
    await finishes(live, "mixed");
  });

  it("name components that exist, in a well-formed request", async () => {
    const live = system("mixed", 18);
    await live.system.run(100);
    const bad = await live.runUntil(Promise.all([
      live.update({ components: [{ name: "kernel" }] }),
      live.update({ components: [{ name: "ds", version: "v9" }] }),
      live.update({ components: [] }),
      live.update({ components: [{ name: "ds" }, { name: "ds" }] }),
    ]), 1_000);
    expect(bad.map((r) => r.outcome)).toEqual(["rejected", "rejected", "rejected", "rejected"]);
    expect(bad[0]!.reason).toMatch(/no system process named "kernel"/);
    expect(bad[1]!.reason).toMatch(/no version "v9"/);
    expect(bad[2]!.reason).toMatch(/components/);
    expect(bad[3]!.reason).toMatch(/"ds" named twice/);
    await finishes(live, "mixed");
  });
});
