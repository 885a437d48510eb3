/**
 * The instrumented build of a copy of the OS tree (so sources can be touched) with one
 * more program, test/os/programs/throws.ts. One cold build serves every test:
 * BuildImage serving it (the whole OS runs `mixed` exactly as the plain build does; a
 * crash names its .ts line), refusing a corrupt or modified build; then incremental
 * builds: reuse without instrumenting, rebuilding exactly the programs holding a touched
 * module (or a module imported only for types), diagnostics leaving the previous build current.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { workloadReport } from "../../../cli/summary.js";
import { buildOs, type BuildReport } from "../../../instrumenter/build/build.js";
import { BuildImage } from "../../../instrumenter/build/image.js";
import { MANIFEST_FILE, moduleFile, readManifest } from "../../../instrumenter/build/manifest.js";
import { isPlainCopy, sourceModulePath } from "../../../instrumenter/transform/index.js";
import { PlainImage } from "../../../os/boot/plain-image.js";
import { System } from "../../../os/boot/system.js";
import type { ImageSource } from "../../../os/kernel/image.js";
import { REPO } from "../../support/image.js";

// Counts the instrumenter's runs: a build that reuses every program must not start one (nor its ts.Program).
const instrumentOs = vi.hoisted(() => ({ calls: 0 }));
vi.mock("../../../instrumenter/transform/index.js", async (original) => {
  const actual = await original<typeof import("../../../instrumenter/transform/index.js")>();
  return { ...actual, instrumentOs: (...args: Parameters<typeof actual.instrumentOs>) => (instrumentOs.calls++, actual.instrumentOs(...args)) };
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-build-"));
const osRoot = path.join(tmp, "os");
const out = path.join(tmp, "out");
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const CRASH_SOURCE = path.join(REPO, "test/os/programs/throws.ts");

function edit(modulePath: string, change: (text: string) => string): void {
  const file = path.join(osRoot, modulePath);
  fs.writeFileSync(file, change(fs.readFileSync(file, "utf8")));
}

/** Programs whose code (instrumented or plain) or types come from the source `modulePath`. */
function programsHolding(modulePath: string): string[] {
  return Object.entries(readManifest(out).programs)
    .filter(([, p]) => p.modules.map(sourceModulePath).includes(modulePath) || p.typeModules.includes(modulePath)).map(([name]) => name);
}

/** The modules of the build compiled from the source `modulePath`: itself, its plain copy, or both. */
function copiesOf(modulePath: string): string[] {
  return Object.keys(readManifest(out).modules).filter((m) => sourceModulePath(m) === modulePath);
}

/** Apply `damage` to a copy of the build and return what opening it throws. */
function openDamaged(damage: (dir: string) => void): string {
  const dir = fs.mkdtempSync(path.join(tmp, "damaged-"));
  fs.cpSync(out, dir, { recursive: true });
  damage(dir);
  try {
    new BuildImage(dir);
  } catch (e) {
    return (e as Error).message;
  }
  return "opened without complaint";
}

async function mixed(image: ImageSource) {
  const sys = new System({ seed: 5, initArgv: ["mixed"], image });
  const end = await sys.runToEnd();
  return { end, hash: sys.kernel.trace.hash, report: workloadReport(sys.consoleOutput, "mixed"), tail: sys.consoleOutput.slice(-2000) };
}

let cold: BuildReport;
let programs: string[];

beforeAll(() => {
  fs.cpSync(path.join(REPO, "os"), osRoot, { recursive: true });
  fs.copyFileSync(CRASH_SOURCE, path.join(osRoot, "user/throws.ts"));
  // The same module as a service (instrumented) and as a user program (its plain copy).
  edit("boot/programs.ts", (t) => t.replace("export const PROGRAMS: Record<string, string> = {",
    "$&\n  throws: \"user/throws.ts\",\n  throwsplain: \"user/throws.ts\",").replace('"nullcall",', '"nullcall", "throwsplain",'));
  cold = buildOs(osRoot, out);
  programs = cold.rebuilt;
});

describe("the instrumented build", () => {
  it("holds every program's modules, source maps and metadata, and a manifest", () => {
    expect(cold.diagnostics).toEqual([]);
    expect(cold.ok).toBe(true);
    expect(cold.reused).toEqual([]);
    expect(programs).toContain("throws");
    const m = readManifest(out);
    expect(Object.keys(m.programs)).toEqual(programs);
    expect(m.programs.pm!.entry).toBe("servers/pm/main.ts");
    for (const file of ["modules/servers/pm/main.js", "modules/servers/pm/main.js.map", "modules/proteos%3Art.js", "programs/pm/metadata.json"]) {
      expect(fs.existsSync(path.join(out, file)), file).toBe(true);
    }
    expect(cold.modulesWritten).toContain("proteos:rt");
    for (const p of cold.programs) expect(p.metadataBytes, p.name).toBeGreaterThan(100);
  });

  it("is served by BuildImage under the original .ts names", () => {
    const image = new BuildImage(out);
    expect(image.kind).toBe("instrumented");
    expect(image.programs()).toEqual(programs);
    expect(image.program("pm")).toBe("servers/pm/main.ts");
    expect(image.program("nope")).toBeUndefined();
    expect(image.program("constructor")).toBeUndefined();
    expect(image.resolve("servers/pm/main.ts", "../../lib/ipc.js")).toBe("lib/ipc.ts");
    expect(image.resolve("servers/pm/main.ts", "proteos:rt")).toBe("proteos:rt");
    expect(image.resolve("servers/pm/main.ts", "../../kernel/kernel.js")).toBeUndefined();
    expect(image.resolve("servers/pm/main.ts", "../../../package.json")).toBeUndefined();
    expect(image.resolve("servers/pm/main.ts", "node:fs")).toBeUndefined();
    const mod = image.load("lib/ipc.ts");
    expect(mod.filename).toBe(path.join(osRoot, "lib/ipc.ts"));
    expect(mod.code).toBe(fs.readFileSync(path.join(out, moduleFile("lib/ipc.ts")), "utf8"));
    expect(mod.code).toContain('require("proteos:rt")');
    expect(image.load("proteos:rt").filename).toBe("proteos:rt");
    expect(() => image.load("kernel/kernel.ts")).toThrow(/not part of the build/);
    expect(image.metadata("pm").entryModule).toBe("servers/pm/main.ts");
  });

  it("runs mixed with the plain build's event trace and no workload errors", async () => {
    const plain = await mixed(new PlainImage(osRoot));
    const instrumented = await mixed(new BuildImage(out));
    expect(instrumented.end).toBe("halted");
    expect(plain.report?.errors, plain.tail).toBe(0);
    expect(instrumented.report?.errors, instrumented.tail).toBe(0);
    expect(instrumented.report?.ops).toBe(plain.report?.ops);
    expect(instrumented.hash).toBe(plain.hash);
  });

  it("reports a crash at the original .ts file and line, in instrumented code and in a plain copy", async () => {
    const crashLine = fs.readFileSync(CRASH_SOURCE, "utf8").split("\n").findIndex((l) => l.includes("the crash line")) + 1;
    const m = readManifest(out);
    expect([m.programs.throws!.entry, m.programs.throwsplain!.entry]).toEqual(["user/throws.ts", "__rt_plain/user/throws.ts"]);
    for (const program of ["throws", "throwsplain"]) {
      const sys = new System({ seed: 1, initArgv: [program], image: new BuildImage(out) });
      await sys.runToEnd();
      const report = sys.consoleOutput.split("\n").find((l) => l.startsWith(`kernel: process ${program} `));
      expect(report, sys.consoleOutput.slice(-2000)).toContain("crashed: Error: thrown on purpose");
      expect(report).toContain(`at main (${path.join(osRoot, "user/throws.ts")}:${crashLine}:`);
    }
  });

  it("builds the user programs plain, sharing no code with the services", () => {
    const m = readManifest(out);
    for (const [name, p] of Object.entries(m.programs)) {
      const plain = ["throwsplain", "init", "sh", "ls", "mixed", "fsstress"].includes(name);
      if (plain || ["pm", "vfs", "mfs", "ds", "rs", "blk", "tty", "throws"].includes(name)) {
        expect(p.modules.every(isPlainCopy), name).toBe(plain);
      }
    }
    for (const file of ["modules/__rt_plain/lib/ipc.js", "modules/lib/ipc.js", "programs/init/metadata.json"]) {
      expect(fs.existsSync(path.join(out, file)), file).toBe(true);
    }
    expect(fs.readFileSync(path.join(out, "modules/__rt_plain/lib/ipc.js"), "utf8")).not.toContain("__rt");
  });

  it("is refused by BuildImage when a module, map or metadata file was modified, naming it", () => {
    const js = "modules/servers/pm/main.js";
    expect(openDamaged((d) => fs.appendFileSync(path.join(d, js), "\nglobalThis.x = 1;"))).toMatch(
      new RegExp(`${js.replaceAll("/", "\\/")}: content hash mismatch .*rebuild it with \`proteos build\``));
    expect(openDamaged((d) => fs.appendFileSync(path.join(d, `${js}.map`), " "))).toContain(`${js}.map: content hash mismatch`);
    expect(openDamaged((d) => fs.writeFileSync(path.join(d, "programs/ds/metadata.json"), "{}"))).toContain("programs/ds/metadata.json: content hash mismatch");
    expect(openDamaged((d) => fs.rmSync(path.join(d, "modules/proteos%3Art.js")))).toContain("proteos%3Art.js: missing");
  });

  it("is refused by BuildImage when its manifest is missing, corrupt or invalid, naming it", () => {
    const manifest = (d: string) => path.join(d, MANIFEST_FILE);
    expect(openDamaged((d) => fs.rmSync(manifest(d)))).toMatch(/manifest\.json: no build manifest/);
    expect(openDamaged((d) => fs.writeFileSync(manifest(d), "{ not json"))).toMatch(/manifest\.json: not valid JSON/);
    const edited = (change: (m: { schemaVersion: number; modules: Record<string, unknown>; programs: Record<string, { modules: string[] }> }) => void) =>
      (d: string) => {
        const m = JSON.parse(fs.readFileSync(manifest(d), "utf8"));
        change(m);
        fs.writeFileSync(manifest(d), JSON.stringify(m));
      };
    expect(openDamaged(edited((m) => { m.schemaVersion = 99; }))).toMatch(/manifest\.json: not a valid build manifest: schemaVersion/);
    expect(openDamaged(edited((m) => { m.modules["../../etc/passwd.ts"] = m.modules["lib/ipc.ts"]; }))).toContain('modules["../../etc/passwd.ts"]');
    expect(openDamaged(edited((m) => { m.programs.pm!.modules.push("lib/nowhere.ts"); }))).toContain('module "lib/nowhere.ts" is not in modules');
  });
});

describe("incremental builds", () => {
  it("reuse every program of an unchanged tree without instrumenting, much faster, writing nothing", () => {
    const calls = instrumentOs.calls;
    const manifestBefore = fs.statSync(path.join(out, MANIFEST_FILE)).mtimeMs;
    const warm = buildOs(osRoot, out);
    expect(instrumentOs.calls).toBe(calls);
    expect(warm.rebuilt).toEqual([]);
    expect(warm.reused).toEqual(programs);
    expect(warm.modulesWritten).toEqual([]);
    expect(fs.statSync(path.join(out, MANIFEST_FILE)).mtimeMs).toBe(manifestBefore);
    expect(warm.programs.map((p) => p.metadataBytes)).toEqual(cold.programs.map((p) => p.metadataBytes));
    expect(warm.timings.totalMs).toBeLessThan(cold.timings.totalMs / 10);
  });

  it("rebuild exactly the programs holding a touched module", () => {
    for (const modulePath of ["servers/ds/store.ts", "lib/workload.ts"]) {
      const expected = programsHolding(modulePath);
      expect(expected.length, modulePath).toBeGreaterThan(0);
      edit(modulePath, (t) => `// touched\n${t}`);
      const r = buildOs(osRoot, out);
      expect(r.rebuilt, modulePath).toEqual(expected);
      expect(r.reused).toEqual(programs.filter((n) => !expected.includes(n)));
      expect(r.modulesWritten).toEqual(copiesOf(modulePath)); // the others' code and maps are the same as before
    }
  });

  it("rebuild the programs whose code imports a touched module only for its types", () => {
    const typeOnly = "include/probe-types.ts";
    fs.writeFileSync(path.join(osRoot, typeOnly), "export interface Probe { n: number }\n");
    edit("servers/ds/store.ts", (t) => `import type { Probe } from "../../include/probe-types.js";\nexport type ProbeRef = Probe;\n${t}`);
    expect(buildOs(osRoot, out).rebuilt).toEqual(["ds"]);
    expect(readManifest(out).programs.ds!.typeModules).toEqual([typeOnly]);
    expect(readManifest(out).programs.pm!.typeModules).toEqual([]);
    fs.appendFileSync(path.join(osRoot, typeOnly), "export type Other = string;\n");
    const r = buildOs(osRoot, out);
    expect(r.rebuilt).toEqual(["ds"]);
    expect(r.modulesWritten).toEqual([]);
  });

  it("repair a modified build, rebuilding only the programs it damaged", () => {
    const target = "servers/ds/store.ts";
    fs.appendFileSync(path.join(out, moduleFile(target)), "\n// tampered");
    expect(() => new BuildImage(out)).toThrow(/content hash mismatch/);
    const r = buildOs(osRoot, out);
    expect(r.rebuilt).toEqual(programsHolding(target));
    expect(r.modulesWritten).toEqual([target]);
    expect(() => new BuildImage(out)).not.toThrow();
  });

  it("rebuild a program moved into or out of USER_PROGRAMS, and refuse a list naming a stranger or a service", () => {
    const original = fs.readFileSync(path.join(osRoot, "boot/programs.ts"), "utf8");
    try {
      edit("boot/programs.ts", (t) => t.replace('"echo", ', ""));
      let r = buildOs(osRoot, out);
      expect(r.rebuilt).toEqual(["echo"]);
      expect(readManifest(out).programs.echo!.entry).toBe("user/bin/echo.ts");
      edit("boot/programs.ts", (t) => t.replace('"cat", ', '"cat", "echo", "nosuch", '));
      expect(() => buildOs(osRoot, out)).toThrow(/boot\/programs\.ts: USER_PROGRAMS names no program "nosuch"/);
      edit("boot/programs.ts", (t) => t.replace('"nosuch", ', '"ds", '));
      expect(() => buildOs(osRoot, out)).toThrow(/USER_PROGRAMS lists "ds", which holds an update point \(servers\/ds\/main\.ts#main\)/);
      fs.writeFileSync(path.join(osRoot, "boot/programs.ts"), original);
      r = buildOs(osRoot, out);
      expect(r.rebuilt).toEqual(["echo"]);
      expect(readManifest(out).programs.echo!.entry).toBe("__rt_plain/user/bin/echo.ts");
    } finally {
      fs.writeFileSync(path.join(osRoot, "boot/programs.ts"), original);
    }
  });

  it("fail with every diagnostic (once, though a module is in several programs), and leave the previous build current", () => {
    const before = fs.readFileSync(path.join(out, MANIFEST_FILE), "utf8");
    const bad = { "servers/ds/state.ts": "export let leak: any = 0;", "lib/workload.ts": "export let other: unknown = 1;" };
    const originals = Object.keys(bad).map((m) => [m, fs.readFileSync(path.join(osRoot, m), "utf8")] as const);
    for (const [m, line] of Object.entries(bad)) edit(m, (t) => `${t}\n${line}\n`);
    try {
      const r = buildOs(osRoot, out);
      expect(r.ok).toBe(false);
      expect(r.rebuilt).toEqual(programs.filter((n) => programsHolding("servers/ds/state.ts").includes(n)
        || programsHolding("lib/workload.ts").includes(n)));
      expect(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`)).toEqual(originals.map(([m, text]) =>
        `${m}:${text.split("\n").length + 1}:12 untyped-state`).sort());
      expect(r.diagnostics.every((d) => d.hint.length > 0)).toBe(true);
      expect(fs.readFileSync(path.join(out, MANIFEST_FILE), "utf8")).toBe(before);
      expect(() => new BuildImage(out)).not.toThrow();
    } finally {
      for (const [m, text] of originals) fs.writeFileSync(path.join(osRoot, m), text);
    }
    expect(buildOs(osRoot, out).rebuilt).toEqual([]);
  });
});
