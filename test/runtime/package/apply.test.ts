/**
 * Applying update packages to a running system (runtime/package/apply.ts, the engine's
 * package requests, LiveSystem.applyPackage): a package that commits (a group updated
 * atomically, programs no service runs installed for new execs), applied again, applied
 * from inside through the engine with the file attached, and every bad package refused
 * before anything in the running system changes.
 *
 * Two builds serve every test: the OS as it is ("base") and "v2", where a constant
 * shared by DS, RS and dsbench changed (so they form a group), echo shouts, DS exports a
 * protocolFree() its running version does not have, and nullcall
 * is no longer a program.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildImage } from "../../../instrumenter/build/image.js";
import { RS_PROC_NR } from "../../../os/include/com.js";
import { EBUSY, EINVAL } from "../../../os/include/errno.js";
import { LiveSystem } from "../../../runtime/live-system.js";
import { type ApplyOptions, versionLabel } from "../../../runtime/package/apply.js";
import { componentFingerprint, decodePackage, encodePackage, partEntry, type PackageManifest } from "../../../runtime/package/format.js";
import { makePackage } from "../../../runtime/package/make.js";
import { viewOf } from "../../../runtime/process-view.js";
import { stateHash } from "../../../runtime/state/hash.js";
import type { UpdateReport } from "../../../runtime/update/report.js";
import { bootServices, serviceProblems } from "../../../cli/commands/check-update.js";
import { finishes } from "../../support/live.js";
import { buildVersion, replace } from "../../support/versions.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-apply-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const V2_EDITS = {
  "include/ds.ts": replace("export const DS_MAX_PATTERNS = 16;", "export const DS_MAX_PATTERNS = 32;"),
  "user/bin/echo.ts": replace("await print(words.join(\" \")", "await print(words.join(\" \").toUpperCase()"),
  // Declared by the new version only: the running one cannot say it is protocol-free, so it is not suggested.
  "servers/ds/main.ts": replace("export async function main(): Promise<void> {",
    "export function protocolFree(): boolean {\n  return true;\n}\n\nexport async function main(): Promise<void> {"),
  // A user program gone: listed as removed, not a component.
  "boot/programs.ts": (text: string) => replace(', "nullcall"', "")(replace('  nullcall: "user/nullcall.ts",\n', "")(text)),
};

let base: BuildImage;
let v2: BuildImage;
/** base -> v2, unsigned. */
let good: string;
const trustedKey = crypto.generateKeyPairSync("ed25519");
const otherKey = crypto.generateKeyPairSync("ed25519");

beforeAll(() => {
  base = buildVersion(path.join(tmp, "base"));
  v2 = buildVersion(path.join(tmp, "v2"), V2_EDITS);
  good = makePackage({ label: "base", build: base }, { label: "v2", build: v2 }).text;
}, 180_000);

function system(workload: string[], seed = 3): LiveSystem {
  const live = new LiveSystem({ seed, initArgv: workload, image: base });
  live.system.boot();
  return live;
}

async function applyAt(live: LiveSystem, tick: number, pkg: string, opts: ApplyOptions = {}): Promise<UpdateReport> {
  await live.system.run(tick);
  return live.runUntil(live.applyPackage(pkg, opts), 5_000);
}

/** The same package with `edit` made to its manifest and parts, hashes and fingerprints recomputed (unsigned). */
function remade(text: string, edit: (m: PackageManifest, parts: Map<string, string>) => void): string {
  const pkg = decodePackage(text);
  const manifest = structuredClone(pkg.manifest) as PackageManifest;
  const parts = new Map(pkg.parts);
  edit(manifest, parts);
  for (const [name, t] of parts) manifest.parts[name] = partEntry(t);
  for (const c of manifest.components) c.to = componentFingerprint(manifest, c);
  return encodePackage(manifest, parts);
}

/** The code part of a program's entry module. */
function entryPart(text: string, program: string): string {
  const m = decodePackage(text).manifest;
  const c = m.components.find((x) => x.program === program)!;
  return m.modules[c.entry]!.code;
}

/** DS metadata whose `entries` map is retyped to the type of `subscribers`: a change no transformer covers. */
function retypedVariable(metadataJson: string): string {
  const meta = JSON.parse(metadataJson) as { modules: Array<{ path: string; variables: Array<{ name: string; type: string }> }> };
  const vars = meta.modules.find((m) => m.path === "servers/ds/state.ts")!.variables;
  vars.find((v) => v.name === "entries")!.type = vars.find((v) => v.name === "subscribers")!.type;
  return JSON.stringify(meta);
}

/** Everything a refused package must leave as it was: every process's state, the trace, staged versions, program images. */
function snapshot(live: LiveSystem) {
  const k = live.system.kernel;
  const states = [...k.liveProcs()].filter((p) => p.priv.system).map((p) => {
    const image = live.updater.versionOf(p.program).image;
    return [p.name, stateHash(viewOf(p.program, p.instance!.realm, image.metadata(p.program), image.program(p.program)!))];
  });
  return { states, trace: k.trace.hash, tick: live.system.machine.clock.now, images: base.programs().map((p) => k.imageFor(p)) };
}

describe("a package that commits", () => {
  it("updates its running components atomically, installs the others for new execs, and the workload runs on", async () => {
    const live = system(["mixed"]);
    const r = await applyAt(live, 300, good);
    expect(r.outcome, r.reason).toBe("committed");
    const label = versionLabel(decodePackage(good));
    expect(r.components.map((c) => [c.name, c.from, c.to])).toEqual([["ds", "boot", label], ["rs", "boot", label]]);
    expect(r.package).toEqual({ version: label, base: "base", target: "v2", groups: [["ds", "dsbench", "rs"]], installed: ["dsbench", "echo"] });
    // DS's new protocolFree() is not the running version's: the engine would refuse protocol-free, so it is not suggested.
    expect(decodePackage(good).manifest.components.find((c) => c.program === "ds")!.state).toBe("request-free");
    // The running programs are the package's, by fingerprint; new execs of the others start from it.
    const pkg = decodePackage(good);
    for (const c of pkg.manifest.components) expect(live.updater.versionOf(c.program).image.fingerprint(c.program), c.program).toBe(c.to);
    expect(live.system.kernel.imageFor("echo")).toBe(live.updater.staged(label)!.image);

    const again = await live.runUntil(live.applyPackage(good), 100);
    expect(again.outcome).toBe("rejected");
    expect(again.reason).toMatch(/already applied: the system runs this package's version of ds, dsbench, echo, rs/);
    await finishes(live, "mixed");
  });

  it("rolls back at its deadline and is dropped from the staged versions; applied again it commits, and a new exec runs the new code", async () => {
    const live = system(["sh", "-s"], 4);
    await live.system.run(2_000);
    const label = versionLabel(decodePackage(good));
    const late = await live.runUntil(live.applyPackage(good, {
      maxtime: 100, components: [{ name: "ds", filter: "entries.size > 100000" }, { name: "rs" }],
    }), 1_000);
    expect(late.outcome).toBe("rolled-back");
    expect(late.reason).toMatch(/deadline: ds did not reach the requested state \(ds: its state filter is false\)/);
    expect(late.package?.installed).toEqual([]);
    expect(live.system.kernel.imageFor("echo")).toBe(base);
    // Nothing runs it: a long-running system does not keep every package it was sent.
    expect(live.updater.staged(label)).toBeUndefined();

    const r = await live.runUntil(live.applyPackage(good), 1_000);
    expect(r.outcome, r.reason).toBe("committed");
    expect(live.updater.staged(label)).toBeDefined();
    live.system.machine.console.type("echo quiet please\n");
    await live.system.run(live.system.machine.clock.now + 500);
    expect(live.system.consoleOutput).toContain("QUIET PLEASE");
    live.system.machine.powerOff();
  });

  it("is applied from inside the system: a package request with the file attached, components from the package", async () => {
    const live = system(["mixed"], 5);
    await live.system.run(300);
    const rs = live.system.kernel.procs[RS_PROC_NR]!;
    const started = live.updater.start(JSON.stringify({ package: true, maxtime: 3000 }), rs, Buffer.from(good));
    expect(started).toEqual({ id: 1, services: ["ds", "rs"] });
    const r = await live.runUntil(live.updater.finished(1), 5_000);
    expect(r.outcome, r.reason).toBe("committed");
    expect(r.package?.installed).toEqual(["dsbench", "echo"]);
    await finishes(live, "mixed");
  });
});

describe("programs of one version only", () => {
  it("are listed as added or removed, not components; check-update fails only for services", () => {
    const m = decodePackage(good).manifest;
    expect([m.added, m.removed]).toEqual([[], ["nullcall"]]);
    expect(m.components.map((c) => c.program)).not.toContain("nullcall");
    const services = bootServices(base);
    expect(services).toEqual(expect.arrayContaining(["pm", "vfs", "rs", "ds", "mfs"]));
    expect(services).not.toContain("sh");
    expect(serviceProblems(m, services, bootServices(v2))).toEqual([]);
    expect(serviceProblems({ added: ["netd", "cron"], removed: ["ds", "nullcall"] }, services, [...services, "netd"])).toEqual([
      "netd is a new system service: the package does not carry it, and a live update cannot start it (boot the new version)",
      "ds is a system service the new version removes: a live update cannot stop it (boot the new version)",
    ]);
  });
});

describe("a package's version, however it is asked for", () => {
  it("keeps the package's groups when a plain request names its label, and is dropped once the host's request is answered", async () => {
    const live = system(["sh", "-s"], 7);
    await live.system.run(500);
    const prepared = live.updater.preparePackage(good);
    live.updater.stagePackage(prepared.version);
    const rs = live.system.kernel.procs[RS_PROC_NR]!;
    const before = snapshot(live);
    const split = live.updater.start(JSON.stringify({ components: [{ name: "ds", version: prepared.version.label }] }), rs);
    expect(split).toMatchObject({ errno: EINVAL, reason: expect.stringMatching(/ds, rs must be updated together .*: name rs as well/) });
    expect(snapshot(live)).toEqual(before);
    live.updater.releasePackage(prepared.version);
    expect(live.updater.staged(prepared.version.label)).toBeUndefined();
    live.system.machine.powerOff();
  });

  it("is refused while another update is in flight, from the host or from inside, nothing staged either way", async () => {
    const live = system(["sh", "-s"], 8);
    await live.system.run(500);
    const label = versionLabel(decodePackage(good));
    const rs = live.system.kernel.procs[RS_PROC_NR]!;
    // An update that waits for a state DS will not reach before its deadline.
    const waiting = live.updater.start(JSON.stringify({ components: [{ name: "ds", filter: "entries.size > 100000" }], maxtime: 500 }), rs);
    expect(waiting).toMatchObject({ services: ["ds"] });
    const busy = await live.applyPackage(good);
    expect(busy).toMatchObject({ outcome: "rejected", reason: expect.stringMatching(/^busy: update \d+ \(ds\) is in flight/) });
    expect(live.updater.staged(label)).toBeUndefined();
    const inside = live.updater.start(JSON.stringify({ package: true }), rs, Buffer.from(good));
    expect(inside).toMatchObject({ errno: EBUSY });
    expect(live.updater.staged(label)).toBeUndefined();
    live.system.machine.powerOff();
  });
});

describe("a package that cannot be applied", () => {
  interface Case {
    what: string;
    make: () => string;
    why: RegExp;
    opts?: ApplyOptions;
    /** The system trusts only trustedKey. */
    trust?: boolean;
  }
  const cases: Case[] = [
    { what: "truncated", make: () => good.slice(0, good.length >> 1), why: /^package: truncated/ },
    { what: "corrupt", make: () => `${good.slice(0, 1000)}\u0000${good.slice(1001)}`, why: /^package: not a package/ },
    { what: "tampered (a part changed, its hash not)", make: () => {
      const json = JSON.parse(good) as { parts: Record<string, string> };
      const part = entryPart(good, "ds");
      json.parts[part] = `${json.parts[part]}\n;globalThis.pwned = 1;`;
      return JSON.stringify(json);
    }, why: /part "modules\/servers\/ds\/main\.js" does not match its hash in the manifest .*: the package was modified/ },
    { what: "signed, then its manifest changed", make: () => {
      const signed = JSON.parse(makePackage({ label: "base", build: base }, { label: "v2", build: v2 },
        { signingKey: trustedKey.privateKey }).text) as { manifest: { target: { label: string } } };
      signed.manifest.target.label = "v2-final";
      return JSON.stringify(signed);
    }, why: /bad signature: the manifest was modified after it was signed/ },
    { what: "signed by a key not trusted", trust: true, why: /signed by a key that is not trusted/,
      make: () => makePackage({ label: "base", build: base }, { label: "v2", build: v2 }, { signingKey: otherKey.privateKey }).text },
    { what: "not signed, a signature required", trust: true, make: () => good, why: /not signed, and a signature by a trusted key is required/ },
    { what: "built for another base version", make: () => remade(good, (m) => {
      m.base.label = "elsewhere";
      for (const c of m.components) c.from = crypto.createHash("sha256").update(`${c.program} elsewhere`).digest("hex");
    }), why: /built for another base version: ds here is [0-9a-f]{12} \(version "boot"\), the package updates [0-9a-f]{12} \(base "elsewhere"\)/ },
    { what: "whose code does not load", why: /the new version of ds does not load: ds v3: no store/, make: () => remade(good, (_m, parts) => {
      const part = entryPart(good, "ds");
      parts.set(part, `throw new Error("ds v3: no store");\n${parts.get(part)!}`);
    }) },
    { what: "whose transformers do not load", why: /transformers of ds: the transformers do not load/, make: () => remade(good, (m, parts) => {
      m.components.find((c) => c.program === "ds")!.transformers = "transformers/ds.js";
      parts.set("transformers/ds.js", "exports.default = {");
    }) },
    { what: "with its group split", make: () => good, opts: { components: [{ name: "ds" }] }, why: /ds, rs must be updated together .*: name rs as well/ },
    { what: "for a component it does not change", make: () => good, opts: { components: [{ name: "vfs" }] }, why: /the package does not change "vfs"/ },
    // The engine's checks of the update itself, made before the host stages anything or asks RS.
    { what: "with a state filter that does not fit", make: () => good, opts: { components: [{ name: "ds", filter: "nosuch == 1" }, { name: "rs" }] },
      why: /nosuch/ },
    { what: "asked to wait for a protocol-free state its programs do not declare", make: () => good, opts: { state: "protocol-free" },
      why: /ds declares no protocol-free state \(its main module exports no protocolFree\(\)\)/ },
    { what: "with an interface filter naming no process", make: () => good, opts: { hold: [{ from: "nosuch" }] },
      why: /interface filter: no system process named "nosuch"/ },
    { what: "with a change no transformer covers (made with --allow-incomplete)", make: () => remade(good, (m, parts) => {
      const ds = m.components.find((c) => c.program === "ds")!;
      parts.set(ds.metadata, retypedVariable(parts.get(ds.metadata)!));
    }), why: /state transfer cannot be planned:\n {2}servers\/ds\/state\.ts#entries<key>: string → number \(retyped\); needs a transformer/ },
  ];

  /** Systems under mixed at tick 300, one trusting only trustedKey: a refusal changes nothing, so every case can share them. */
  const systems = new Map<boolean, LiveSystem>();
  async function running(trust: boolean): Promise<LiveSystem> {
    let live = systems.get(trust);
    if (!live) {
      live = new LiveSystem({ seed: 6, initArgv: ["mixed"], image: base, trusted: trust ? [trustedKey.publicKey] : null });
      live.system.boot();
      await live.system.run(300);
      systems.set(trust, live);
    }
    return live;
  }
  afterAll(() => {
    for (const live of systems.values()) live.system.machine.powerOff();
  });

  it.each(cases)("refuses a package $what before anything changes", async ({ make, why, opts = {}, trust = false }) => {
    const live = await running(trust);
    const text = make();
    const before = snapshot(live);
    // Sent from inside with the file attached: refused at once.
    const rs = live.system.kernel.procs[RS_PROC_NR]!;
    const inside = live.updater.start(JSON.stringify({ package: true, ...opts }), rs, Buffer.from(text));
    expect(inside).toMatchObject({ errno: EINVAL, reason: expect.stringMatching(why) });
    expect(snapshot(live)).toEqual(before);
    // From the host: a package refused before RS is asked, with nothing run.
    const r = await live.applyPackage(text, opts);
    expect(r.outcome).toBe("rejected");
    expect(r.reason).toMatch(why);
    expect(r.components).toEqual([]);
    expect(snapshot(live)).toEqual(before);
    const label = (() => {
      try {
        return versionLabel(decodePackage(text));
      } catch {
        return undefined; // not even a package: nothing could be staged
      }
    })();
    if (label !== undefined) expect(live.updater.staged(label), "staged").toBeUndefined();
  });
});
