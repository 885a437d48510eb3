/**
 * `diffVersions` and the inspect report on the version pair in fixtures/packages (see
 * its README): every changed program and only those become components, each kind of
 * change is classified and made automatically or by the bundled transformer, groups
 * and states are suggested. Then the refusals: a change no transformer covers (and
 * --allow-incomplete recording it), a transformer that does not type-check or imports
 * a value, a tree that does not compile; and versions given as git revisions.
 *
 * Builds are kept in one cache for the whole file, as `proteos diff` keeps them: each
 * tree is built once.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompileError } from "../../../runtime/package/compile-errors.js";
import { diffVersions } from "../../../runtime/package/diff.js";
import { decodePackage, type PackageComponent, type UpdatePackage } from "../../../runtime/package/format.js";
import { formatPackageReport, packageReport } from "../../../runtime/package/inspect.js";
import { IncompletePackageError } from "../../../runtime/package/make.js";
import { BadVersionError } from "../../../runtime/package/sources.js";
import { loadTransformers } from "../../../runtime/package/transformers.js";
import { REPO } from "../../support/image.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-diff-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const cacheDir = path.join(tmp, "cache");
const V1 = path.join(REPO, "fixtures/packages/v1");
const V2 = path.join(REPO, "fixtures/packages/v2");
const STORE_TRANSFORMER = fs.readFileSync(path.join(V2, "update/store.ts"), "utf8");

let made: { text: string; pkg: UpdatePackage };
beforeAll(() => {
  made = diffVersions(V1, V2, { cacheDir });
}, 120_000);

const component = (program: string): PackageComponent => made.pkg.manifest.components.find((c) => c.program === program)!;

describe("diff of two versions", () => {
  it("makes a component of every program that changed, and of no other", () => {
    expect(made.pkg.manifest.components.map((c) => c.program)).toEqual(["counter", "ping", "pong", "store"]);
    expect(made.pkg.manifest.base.label).toBe(V1);
    expect(made.pkg.manifest.incomplete).toEqual([]);
    expect(decodePackage(made.text).digest).toBe(made.pkg.digest);
  });

  it("transfers a field added with an initializer automatically, and lists variables renamed, added and removed", () => {
    const counter = component("counter");
    expect(counter.changes).toEqual([expect.objectContaining({
      location: "servers/counter/state.ts#Counter.lastSeen", kind: "field-added", verdict: "auto", coveredBy: null,
    })]);
    expect(counter.variables).toEqual([
      { name: "servers/counter/state.ts#requests", action: "renamed", oldName: "servers/counter/state.ts#served" },
      { name: "servers/counter/state.ts#clients", action: "new", oldName: null },
      { name: "servers/counter/state.ts#greeting", action: "dropped", oldName: null },
    ]);
    expect(counter.transformers).toBeNull();
  });

  it("bundles the transformer of update/store.ts, compiled, for the change that needs it", () => {
    const store = component("store");
    expect(store.changes).toEqual([expect.objectContaining({
      location: "servers/store/state.ts#Entry.size", kind: "retyped", verdict: "transformer", detail: "string → number",
      coveredBy: "type servers/store/state.ts#Entry",
    })]);
    expect(store.transformers).toBe("transformers/store.js");
    const code = made.pkg.parts.get("transformers/store.js")!;
    expect(code).not.toMatch(/require\(|satisfies|import /);
    expect(Object.keys(loadTransformers(code, "update/store.ts").types!)).toEqual(["servers/store/state.ts#Entry"]);
  });

  it("suggests updating together the programs sharing a changed module, holding users, and protocol-free where declared", () => {
    expect(made.pkg.manifest.groups).toEqual([["ping", "pong"]]);
    expect(component("ping")).toMatchObject({ state: "request-free", hold: [{ from: "users" }] });
    expect(component("pong")).toMatchObject({ state: "protocol-free", hold: [{ from: "users" }] });
    expect(component("counter")).toMatchObject({ state: "request-free", hold: [] });
  });

  it("makes the same package again from the cached builds", () => {
    expect(fs.readdirSync(path.join(cacheDir, "builds")).filter((f) => f.endsWith(".typechecked"))).toHaveLength(2);
    expect(diffVersions(V1, V2, { cacheDir }).pkg.digest).toBe(made.pkg.digest);
  });
});

describe("inspect report", () => {
  it("shows each component field by field, with how each change is made, and the suggestions", () => {
    const text = formatPackageReport(packageReport(made.pkg, made.text.length));
    expect(text).toContain(`update package ${made.pkg.digest.slice(0, 12)}  (${made.text.length} bytes, format 1)`);
    expect(text).toMatch(/^ {2}base {7}.*fixtures\/packages\/v1 {2}\(fingerprint [0-9a-f]{12}\)$/m);
    expect(text).toContain("signature  none");
    expect(text).toContain("4 components: counter, ping, pong, store");
    expect(text).toContain("update together (a module they share changed): ping + pong");
    expect(text).toContain("renamed   servers/counter/state.ts#requests (was servers/counter/state.ts#served)");
    expect(text).toMatch(/servers\/counter\/state.ts#Counter.lastSeen: field-added \(auto\): .*\n\s+→ automatic/);
    expect(text).toMatch(/servers\/store\/state.ts#Entry.size: retyped \(transformer\): string → number\n\s+→ by transformer type servers\/store\/state.ts#Entry/);
    expect(text).toMatch(/^ {2}state {9}protocol-free; hold from users$/m);
    expect(text).toContain("transformers  update/store.ts (part transformers/store.js)");
    expect(text).not.toContain("idle");
  });

  it("gives the same as one JSON object", () => {
    const report = JSON.parse(JSON.stringify(packageReport(made.pkg, made.text.length)));
    expect(report).toMatchObject({
      formatVersion: 1, digest: made.pkg.digest, signature: { signed: false, keyFingerprint: null, trusted: null },
      groups: [["ping", "pong"]], incomplete: [],
    });
    const store = report.components.find((c: { program: string }) => c.program === "store");
    expect(store.changes[0]).toMatchObject({ means: "transformer", coveredBy: "type servers/store/state.ts#Entry" });
    expect(report.components[0].changes[0].means).toBe("automatic");
  });
});

describe("refusals", () => {
  /** A copy of v2 whose update/store.ts each test writes (or removes): its build is made once. */
  const work = path.join(tmp, "v2-work");
  const withTransformer = (text: string | null) => {
    fs.rmSync(path.join(work, "update"), { recursive: true, force: true });
    if (text === null) return;
    fs.mkdirSync(path.join(work, "update"));
    fs.writeFileSync(path.join(work, "update/store.ts"), text);
  };
  const refusal = (run: () => unknown): Error => {
    try {
      run();
    } catch (err) {
      return err as Error;
    }
    throw new Error("not refused");
  };
  beforeAll(() => fs.cpSync(V2, work, { recursive: true }));

  it("refuses a change no transformer covers, listing its program, file, type, field and the key that would cover it", () => {
    withTransformer(null);
    const err = refusal(() => diffVersions(V1, work, { cacheDir }));
    expect(err).toBeInstanceOf(IncompletePackageError);
    expect((err as IncompletePackageError).uncovered).toEqual([{ program: "store", change: expect.objectContaining({
      location: "servers/store/state.ts#Entry.size", kind: "retyped", fix: 'types["servers/store/state.ts#Entry"]' }) }]);
    expect(err.message).toContain("store: servers/store/state.ts: type Entry, field size: string → number (retyped); "
      + 'add types["servers/store/state.ts#Entry"] to update/store.ts');
  });

  it("with allowIncomplete, makes the package and records the uncovered change in it", () => {
    withTransformer(null);
    const { pkg } = diffVersions(V1, work, { cacheDir, allowIncomplete: true });
    expect(pkg.manifest.incomplete).toEqual([{ program: "store", change: expect.objectContaining({ location: "servers/store/state.ts#Entry.size" }) }]);
    const report = packageReport(pkg, 0);
    expect(report.components.find((c) => c.program === "store")!.changes[0]!.means).toBe("uncovered");
    expect(formatPackageReport(report)).toMatch(/INCOMPLETE: made with --allow-incomplete; 1 change no transformer covers \(an update of store will be refused\)/);
  });

  it("refuses a transformer that does not type-check against the old version's types, with file, line and column", () => {
    withTransformer(STORE_TRANSFORMER.replace("Number(old.size)", "old.size.toFixed(0)"));
    const err = refusal(() => diffVersions(V1, work, { cacheDir }));
    expect(err).toBeInstanceOf(CompileError);
    expect((err as CompileError).errors).toEqual([
      expect.stringMatching(new RegExp(`^${work}/update/store.ts:12:\\d+: error TS2551: Property 'toFixed' does not exist on type 'string'`)),
    ]);
  });

  it("refuses a transformer importing a value, and one without a default export", () => {
    withTransformer(STORE_TRANSFORMER.replace('import type { Entry } from "../servers/store/state.js";', 'import { Entry } from "../servers/store/state.js";')
      .replace("export default", "export const transformers ="));
    const err = refusal(() => diffVersions(V1, work, { cacheDir })) as CompileError;
    expect(err.errors).toEqual([
      `${work}/update/store.ts:5:1: error: a transformer may import only types (\`import type { … }\`): it runs in a realm of its own, with no modules to load`,
      expect.stringMatching(/update\/store.ts:\d+:\d+: error: no default export/),
    ]);
  });

  it("refuses a tree that does not compile, with the compiler's errors by file and line", () => {
    const broken = path.join(tmp, "v2-broken");
    fs.cpSync(V2, broken, { recursive: true });
    const state = path.join(broken, "servers/counter/state.ts");
    fs.writeFileSync(state, fs.readFileSync(state, "utf8").replace("c.lastSeen = requests++;", 'c.lastSeen = "never";'));
    const main = path.join(broken, "servers/ping/main.ts");
    fs.writeFileSync(main, fs.readFileSync(main, "utf8").replace("exchange.sent++;", "exchange.sent++ +;"));
    const err = refusal(() => diffVersions(V1, broken, { cacheDir })) as CompileError;
    expect(err).toBeInstanceOf(CompileError);
    expect(err.message).toMatch(/^.*v2-broken does not (build|compile)/);
    expect(err.errors).toEqual(expect.arrayContaining([
      `${broken}/servers/counter/state.ts:20:3: error TS2322: Type 'string' is not assignable to type 'number'.`,
      `${broken}/servers/ping/main.ts:10:43: error TS1109: Expression expected.`,
    ]));
  });

  it("refuses a directory that is not an OS tree as bad input", () => {
    expect(() => diffVersions(path.join(tmp, "absent"), V2, { cacheDir })).toThrow(BadVersionError);
    expect(() => diffVersions(path.join(tmp, "absent"), V2, { cacheDir })).toThrow(/no OS tree at '.*absent'/);
  });
});

describe("git revisions", () => {
  const repo = path.join(tmp, "repo");
  const git = (...args: string[]) => {
    const r = spawnSync("git", ["-C", repo, ...args], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  };
  /** A repository whose OS tree, at sys/os, is v1 in its first commit and v2 in its second. */
  beforeAll(() => {
    fs.mkdirSync(repo);
    git("init", "-q");
    git("config", "user.email", "test@proteos");
    git("config", "user.name", "test");
    fs.cpSync(V1, path.join(repo, "sys/os"), { recursive: true });
    git("add", "-A");
    git("commit", "-qm", "v1");
    fs.rmSync(path.join(repo, "sys/os"), { recursive: true });
    fs.cpSync(V2, path.join(repo, "sys/os"), { recursive: true });
    git("add", "-A");
    git("commit", "-qm", "v2");
  });

  it("diffs two revisions of the repository as it diffs two trees, exporting each commit's tree once", () => {
    const { pkg } = diffVersions("HEAD~1", "HEAD", { git: true, repo, osPath: "sys/os", cacheDir });
    const [first, second] = [git("rev-parse", "HEAD~1"), git("rev-parse", "HEAD")];
    expect(pkg.manifest.base.label).toBe(`HEAD~1@${first.slice(0, 12)}`);
    expect(pkg.manifest.target.label).toBe(`HEAD@${second.slice(0, 12)}`);
    expect(pkg.manifest.components.map((c) => c.program)).toEqual(["counter", "ping", "pong", "store"]);
    // The same builds as the directories: the same versions.
    expect(pkg.manifest.base.fingerprint).toBe(made.pkg.manifest.base.fingerprint);
    expect(pkg.manifest.target.fingerprint).toBe(made.pkg.manifest.target.fingerprint);
    expect(fs.existsSync(path.join(cacheDir, "trees", second, "sys/os/update/store.ts"))).toBe(true);
  });

  it("refuses a revision that does not exist, or has no OS tree where it is looked for, as bad input", () => {
    expect(() => diffVersions("no-such-rev", "HEAD", { git: true, repo, osPath: "sys/os", cacheDir }))
      .toThrow(new BadVersionError(`'no-such-rev' is not a revision of ${fs.realpathSync(repo)}`));
    expect(() => diffVersions("HEAD~1", "HEAD", { git: true, repo, cacheDir }))
      .toThrow("HEAD~1 has no OS tree at 'os' (no os/boot/programs.ts; see --os-path)");
    expect(() => diffVersions("HEAD~1", "HEAD", { git: true, repo: tmp, cacheDir })).toThrow(/is not in a git repository/);
  });
});
