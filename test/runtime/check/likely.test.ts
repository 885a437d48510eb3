/**
 * Likely invariants (runtime/check/likely.ts, locations.ts, profile.ts): what a profile
 * learns from runs of the fixture program, how it is checked, its file format, and the
 * committed profiles of the real servers (fixtures/invariants) against runs of the OS
 * from a seed that was not profiled.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { System } from "../../../os/boot/system.js";
import { checkLikely, formatLikelyViolation, Profiler } from "../../../runtime/check/likely.js";
import {
  type LikelyProfile, parseProfile, ProfileError, readProfile, writeProfile,
} from "../../../runtime/check/profile.js";
import { loadProgram } from "../../../runtime/load.js";
import type { ProcessView } from "../../../runtime/process-view.js";
import { inRealm, liveView, REPO, useBuilds } from "../state/builds.js";

const builds = useBuilds();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-likely-"));

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const S = "kinds/state.ts";

/** A fresh copy of the fixture program, changed by `change` (realm code, the state module as `s`). */
function kinds(change = ""): ProcessView {
  const view = loadProgram(builds.checks, "kinds");
  inRealm(view, ["s"], change, view.realm.require(S));
  return view;
}

/**
 * Two runs of the fixture program, each sampled at two points: in both the tags are
 * "a" and "b", x moves within 0..5, and only the second run lists a third node.
 */
function profileKinds(): LikelyProfile {
  const profiler = new Profiler("kinds");
  for (const [seed, later] of [[1, "s.origin.x = 5;"], [2, "s.origin.x = 2; s.list.push('c');"]] as const) {
    profiler.beginRun("fixture", seed);
    const view = kinds("s.meta.tags.push('b');");
    profiler.sample(view);
    inRealm(view, ["s"], later, view.realm.require(S));
    profiler.sample(view);
  }
  return profiler.profile();
}

describe("learning a profile", () => {
  it("records every abstract location with the runs and samples that saw it", () => {
    const profile = profileKinds();
    expect(profile.runs).toEqual([{ workload: "fixture", seed: 1, samples: 2 }, { workload: "fixture", seed: 2, samples: 2 }]);
    expect(profile.locations[`${S}#origin.x`]).toEqual({
      runs: 2, samples: 4, kinds: ["number"], observed: { min: 0, max: 5 }, values: null,
      check: { notNull: true, notUndefined: true, min: 0, integer: true, oneOf: null },
    });
    // Collections merge their elements, and have their size as a location of its own.
    expect(profile.locations[`${S}#table.slots[].ino`]?.check.min).toBe(1);
    expect(profile.locations[`${S}#table.byIno[key]`]?.observed).toEqual({ min: 1, max: 4 });
    expect(profile.locations[`${S}#table.byIno.size`]?.observed).toEqual({ min: 4, max: 4 });
    expect(profile.locations[`${S}#table.slots.length`]).toBeDefined();
  });

  it("folds recursive structures into the location where their type was entered", () => {
    const locations = Object.keys(profileKinds().locations).filter((l) => l.startsWith(`${S}#list.`));
    expect(locations.sort()).toEqual([`${S}#list.head`, `${S}#list.head.next`, `${S}#list.head.value`, `${S}#list.size`]);
  });

  it("leaves @transient state out", () => {
    const locations = Object.keys(profileKinds().locations);
    expect(locations.filter((l) => l.includes("scratch") || l.includes("cached"))).toEqual([]);
  });

  it("keeps only what every run agrees on", () => {
    const { locations } = profileKinds();
    // A vocabulary of two strings every run saw; one string everywhere is no vocabulary.
    expect(locations[`${S}#meta.tags[]`]?.check.oneOf).toEqual(["a", "b"]);
    expect(locations[`${S}#title`]?.check.oneOf).toBeNull();
    // "c" was seen by one run only: the values of the list are open.
    expect(locations[`${S}#list.head.value`]?.check.oneOf).toBeNull();
    // Null was seen: no notNull.
    expect(locations[`${S}#table.slots[].hashNext`]?.check.notNull).toBe(false);
    expect(locations[`${S}#maybe`]?.kinds).toEqual(["null"]);
    // Booleans are recorded, never constrained.
    expect(locations[`${S}#ready`]?.values).toEqual([false]);
    expect(locations[`${S}#ready`]?.check).toEqual({ notNull: true, notUndefined: true, min: null, integer: false, oneOf: null });
    expect(locations[`${S}#title`]?.values).toEqual(["kinds"]);
  });

  it("learns nothing where fewer than two runs looked", () => {
    const profiler = new Profiler("kinds");
    profiler.beginRun("fixture", 1);
    profiler.sample(kinds());
    expect(profiler.profile().locations[`${S}#origin.x`]?.check).toEqual({
      notNull: false, notUndefined: false, min: null, integer: false, oneOf: null,
    });
  });

  it("keeps only the sign of a range", () => {
    const profiler = new Profiler("kinds");
    for (const [seed, values] of [[1, [3, 7]], [2, [-1, 4]], [3, [-7, 2]]] as const) {
      profiler.beginRun("fixture", seed);
      for (const v of values) profiler.sample(kinds(`s.origin.x = ${v}; s.origin.y = ${Math.abs(v) + 1}; s.meta.version = ${v} / 2;`));
    }
    const { locations } = profiler.profile();
    expect(locations[`${S}#origin.y`]?.check.min).toBe(1);
    expect(locations[`${S}#origin.x`]?.check.min).toBeNull(); // -7: below the -1 sentinel
    expect(locations[`${S}#meta.version`]?.check).toMatchObject({ min: null, integer: false });
  });

  it("refuses a sample before a run or of another program", () => {
    expect(() => new Profiler("kinds").sample(kinds())).toThrow("Profiler.sample before beginRun");
    const profiler = new Profiler("vfs");
    profiler.beginRun("fixture", 1);
    expect(() => profiler.sample(kinds())).toThrow("profiler of vfs sampled kinds");
  });
});

describe("checking a profile", () => {
  it("accepts state within it", () => {
    const report = checkLikely(kinds("s.meta.tags.push('b'); s.origin.x = 100;"), profileKinds(), "fail");
    expect(report.violations.map(formatLikelyViolation)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.valuesChecked).toBeGreaterThan(30);
  });

  it.each([
    ["s.origin.x = -3", `${S}#origin.x`, ">= 0", "-3"],
    ["s.origin.x = 1.5", `${S}#origin.x`, "an integer", "1.5"],
    ["s.origin.x = null", `${S}#origin.x`, "never null", "null"],
    ["s.table.slots[2].ino = 0", `${S}#table.slots[2].ino`, ">= 1", "0"],
    ["s.meta.tags[1] = 'z'", `${S}#meta.tags[1]`, "one of \"a\", \"b\"", "\"z\""],
  ])("reports %s", (change, where, expected, found) => {
    const profile = profileKinds();
    const fail = checkLikely(kinds(`s.meta.tags.push('b'); ${change}`), profile, "fail");
    expect(fail.ok).toBe(false);
    // (An inode is also met in table.byIno, at a location of its own.)
    expect(fail.violations).toContainEqual(expect.objectContaining({ path: where, severity: "error", expected, found }));
    const warn = checkLikely(kinds(`s.meta.tags.push('b'); ${change}`), profile, "warn");
    expect(warn.ok).toBe(true);
    expect(warn.violations.map((v) => v.severity)).toEqual(fail.violations.map(() => "warning"));
  });

  it("says which likely invariant a value breaks", () => {
    const [v] = checkLikely(kinds("s.meta.tags.push('b'); s.origin.x = -3"), profileKinds(), "fail").violations;
    expect(formatLikelyViolation(v!)).toBe(`error: ${S}#origin.x: expected >= 0, found -3 (likely invariant of ${S}#origin.x)`);
  });

  it("enforces the extremes seen only when asked", () => {
    const view = kinds("s.meta.tags.push('b'); s.origin.x = 6");
    expect(checkLikely(view, profileKinds(), "fail").ok).toBe(true);
    const observed = checkLikely(view, profileKinds(), "fail", { ranges: "observed" });
    expect(observed.violations.map((v) => `${v.path}: ${v.expected}`)).toEqual([`${S}#origin.x: within 0..5 (observed)`]);
  });

  it("stops at the limit, and refuses another program's profile", () => {
    const profile = profileKinds();
    const broken = kinds("for (const i of s.table.slots) i.ino = -1;");
    expect(checkLikely(broken, profile, "fail", { limit: 2 }).violations).toHaveLength(2);
    expect(() => checkLikely(loadProgram(builds.os, "ds"), profile, "fail")).toThrow("likely invariants of kinds checked on ds");
  });
});

describe("the profile file", () => {
  it("is written one location a line, and read back as it was", () => {
    const profile = profileKinds();
    const file = writeProfile(tmp, profile);
    expect(file).toBe(path.join(tmp, "kinds.json"));
    const text = fs.readFileSync(file, "utf8");
    expect(text.split("\n").filter((l) => l.startsWith(`    "${S}#`))).toHaveLength(Object.keys(profile.locations).length);
    expect(readProfile(tmp, "kinds")).toEqual(profile);
  });

  it("is validated, naming what is wrong and where", () => {
    const good = profileKinds();
    expect(() => parseProfile("{", "x.json")).toThrow(ProfileError);
    expect(() => parseProfile({ ...good, schemaVersion: 2 }, "x.json")).toThrow(/invalid likely-invariant profile x\.json:\n {2}schemaVersion: /);
    const location = `${S}#origin.x`;
    const bad = { ...good, locations: { [location]: { ...good.locations[location]!, check: { min: "0" } } } };
    expect(() => parseProfile(bad, "x.json")).toThrow(`locations["${location}"].check.notNull`);
    fs.writeFileSync(path.join(tmp, "other.json"), JSON.stringify(good));
    expect(() => readProfile(tmp, "other")).toThrow(`program: "kinds", expected "other"`);
  });
});

describe("the committed profiles of the OS", () => {
  const SERVERS = ["pm", "vfs", "rs", "ds", "mfs", "blk", "tty"];
  const profiles = () => new Map(SERVERS.map((p) => [p, readProfile(path.join(REPO, "fixtures", "invariants"), p)]));

  it("exist for every server and driver, learned from several runs", () => {
    for (const [program, profile] of profiles()) {
      expect(profile.runs.length, program).toBeGreaterThanOrEqual(4);
      expect(Object.keys(profile.locations).length, program).toBeGreaterThan(100);
    }
  });

  /** Run a workload from a seed no profile was learned from; check every server parked at its update point at each tick. */
  async function checkRun(initArgv: string[], ticks: number[]): Promise<number> {
    const byProgram = profiles();
    const system = new System({ seed: 9, image: builds.os, initArgv });
    system.boot();
    let checked = 0;
    try {
      for (const tick of ticks) {
        await system.run(tick);
        for (let slot = 0; slot <= 6; slot++) {
          const view = liveView(system, builds.os, slot);
          if (!view.rt.atUpdatePoint()) continue;
          const report = checkLikely(view, byProgram.get(view.program)!, "fail");
          expect(report.violations.map(formatLikelyViolation), `${view.program} at ${tick}`).toEqual([]);
          checked++;
        }
      }
    } finally {
      system.machine.powerOff();
    }
    return checked;
  }

  it("hold for the servers' state at later ticks of mixed, from another seed", async () => {
    expect(await checkRun(["mixed"], [400, 800, 1200])).toBeGreaterThan(15);
  });

  it("hold for the servers' state under a heavier fsstress, from another seed", async () => {
    expect(await checkRun(["fsstress", "400", "3"], [1500, 3000])).toBeGreaterThan(10);
  });

  it("catch broken state of a running server", async () => {
    const system = new System({ seed: 9, image: builds.os, initArgv: ["mixed"] });
    system.boot();
    try {
      await system.run(400);
      const view = liveView(system, builds.os, 1);
      const { vfs } = view.realm.require("servers/vfs/state.ts") as { vfs: { vnodes: Map<number, { refCount: number }> } };
      const vnode = [...vfs.vnodes.values()][0]!;
      vnode.refCount = 0;
      const report = checkLikely(view, readProfile(path.join(REPO, "fixtures", "invariants"), "vfs"), "fail");
      expect(report.ok).toBe(false);
      expect(report.violations.map((v) => `${v.location}: ${v.expected}, found ${v.found}`)).toContain(
        "servers/vfs/state.ts#vfs.vnodes[].refCount: >= 1, found 0");
    } finally {
      system.machine.powerOff();
    }
  });
});
