/**
 * Update packages from the command line: `proteos update` through the control socket
 * of a running `proteos boot --control`, `proteos boot --update PACKAGE@TICK`, and the
 * CI gate `proteos check-update` passing and failing.
 *
 * A git repository made here holds three revisions of the OS: A (as it is), B (a
 * constant shared by DS, RS and dsbench changed: a live-updatable change) and C (B
 * with a DS that cannot start: its update rolls back). The packages sent to running
 * systems go from the repository's own os/ (what `boot --build instrumented` runs) to B.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildImage } from "../../instrumenter/build/image.js";
import { controlRequest } from "../../runtime/control/client.js";
import { makePackage } from "../../runtime/package/make.js";
import { prepareSide } from "../../runtime/package/sources.js";
import { REPO } from "../support/image.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-cli-update-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const repo = path.join(tmp, "repo");
const cache = path.join(tmp, "cache");
const buildDir = path.join(tmp, "base-build");
const pkgFile = path.join(tmp, "to-b.json");

function proteos(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO, "bin/proteos.mjs"), ...args], { encoding: "utf8", timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start proteos without waiting: `done` resolves when it has exited, with all it wrote. */
function start(...args: string[]) {
  const child = spawn(process.execPath, [path.join(REPO, "bin/proteos.mjs"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (d) => (out.stdout += d));
  child.stderr.on("data", (d) => (out.stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on("close", (code) => resolve({ code, ...out }));
  });
  return { child, out, done };
}

function git(...args: string[]): void {
  const r = spawnSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
}

function edit(file: string, from: string, to: string): void {
  const p = path.join(repo, "os", file);
  const text = fs.readFileSync(p, "utf8");
  if (!text.includes(from)) throw new Error(`${file}: "${from}" not found`);
  fs.writeFileSync(p, text.replace(from, to));
}

beforeAll(async () => {
  fs.mkdirSync(repo);
  fs.cpSync(path.join(REPO, "os"), path.join(repo, "os"), { recursive: true });
  git("init", "-q");
  git("add", "-A");
  git("commit", "-qm", "A");
  edit("include/ds.ts", "export const DS_MAX_PATTERNS = 16;", "export const DS_MAX_PATTERNS = 32;");
  git("commit", "-qam", "B");
  edit("servers/ds/main.ts", "export async function main(): Promise<void> {\n",
    "export async function main(): Promise<void> {\n  if (Date.now() > 0) throw new Error(\"ds C cannot start\");\n");
  git("commit", "-qam", "C");
  // What `boot --build instrumented --build-dir` finds up to date (built meanwhile by another process), and the package from it to B.
  const building = start("build", path.join(REPO, "os"), "-o", buildDir).done;
  const b = prepareSide("HEAD~1", { git: true, repo, cacheDir: cache });
  const built = await building;
  if (built.code !== 0) throw new Error(`build of os/ failed: ${built.stderr}`);
  fs.writeFileSync(pkgFile, makePackage({ label: "os", build: new BuildImage(buildDir) }, b).text);
}, 240_000);

describe("proteos check-update", () => {
  it("passes a change that updates live under mixed, and fails one whose new version cannot start, saying why", async () => {
    // Two gates at once: each builds one revision of its own (B is built already).
    const [pass, fail] = await Promise.all([
      start("check-update", "--from", "HEAD~2", "--to", "HEAD~1", "--repo", repo, "--cache-dir", cache, "--json").done,
      start("check-update", "--from", "HEAD~1", "--to", "HEAD", "--repo", repo, "--cache-dir", cache).done,
    ]);
    expect(pass.code, pass.stderr + pass.stdout).toBe(0);
    const out = JSON.parse(pass.stdout);
    expect(out).toMatchObject({ ok: true, problems: [], workload: { errors: 0 } });
    expect(out.package.groups).toEqual([["ds", "dsbench", "rs"]]);
    expect(out.update).toMatchObject({ outcome: "committed", components: ["ds", "rs"], tick: 600 });

    expect(fail.code, fail.stderr).toBe(1);
    expect(fail.stdout).toContain("check-update HEAD~1 -> HEAD: FAILED");
    expect(fail.stdout).toMatch(/problem: the update rolled back: new version of ds crashed: Error: ds C cannot start/);
    const bad = proteos("check-update", "--from", "nosuch", "--to", "HEAD", "--repo", repo, "--cache-dir", cache);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'nosuch' is not a revision");
  }, 240_000);
});

describe("proteos boot --update", () => {
  it("applies packages at chosen ticks and lists them in the summary; one refused fails the run", () => {
    const truncated = path.join(tmp, "truncated.json");
    fs.writeFileSync(truncated, fs.readFileSync(pkgFile, "utf8").slice(0, 5000));
    const r = proteos("boot", "--build", "instrumented", "--build-dir", buildDir, "--json",
      "--update", `${pkgFile}@300`, "--update", `${truncated}@200`);
    expect(r.code, r.stderr).toBe(1);
    const s = JSON.parse(r.stdout);
    expect(s.workloadErrors).toBe(0);
    expect(s.updates).toHaveLength(2);
    expect(s.updates[0]).toMatchObject({ package: truncated, tick: 200, outcome: "rejected", reason: expect.stringMatching(/truncated/) });
    expect(s.updates[1]).toMatchObject({ package: pkgFile, tick: 300, outcome: "committed", reason: "", components: ["ds", "rs"] });
    expect(s.updates[1].phases.map((p: { phase: string }) => p.phase)).toEqual(["request", "quiescence", "load", "transfer", "checks", "commit"]);
    // Due at the --ticks limit: applied before the run stops (refused at once, or cut by the stop).
    const atLimit = proteos("boot", "--build", "instrumented", "--build-dir", buildDir, "--json", "--ticks", "300",
      "--update", `${truncated}@300`, "--update", `${pkgFile}@300`);
    expect(atLimit.code, atLimit.stderr).toBe(1);
    expect(JSON.parse(atLimit.stdout).updates).toMatchObject([
      { package: truncated, tick: 300, outcome: "rejected", reason: expect.stringMatching(/truncated/) },
      { package: pkgFile, tick: 300, outcome: "rolled-back", reason: "the run ended (ticks) at tick 300 before the update did: nothing was committed" },
    ]);
    const plain = proteos("boot", "--update", `${pkgFile}@300`);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("--update needs --build instrumented");
  }, 180_000);
});

describe("proteos update through the control socket", () => {
  it("updates a running system, refuses bad packages and requests while it runs on, and shuts it down", async () => {
    const socket = path.join(tmp, "control.sock");
    const boot = start("boot", "--build", "instrumented", "--build-dir", buildDir, "--control", socket, "--json");
    try {
      for (let waited = 0; !fs.existsSync(socket); waited += 100) {
        if (waited > 120_000) throw new Error(`no control socket: ${boot.out.stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(fs.statSync(socket).mode & 0o777).toBe(0o600);

      const bad = path.join(tmp, "tampered.json");
      const text = fs.readFileSync(pkgFile, "utf8");
      fs.writeFileSync(bad, text.replace("DS_MAX_PATTERNS = 32", "DS_MAX_PATTERNS = 99"));
      expect(fs.readFileSync(bad, "utf8")).not.toBe(text);
      const refused = proteos("update", bad, "--control", socket);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toMatch(/rejected: package: part ".*" does not match its hash in the manifest/);

      const r = proteos("update", pkgFile, "--control", socket, "--maxtime", "3000", "--filter", "from=users", "--json");
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.outcome).toBe("committed");
      expect(report.components.map((c: { name: string }) => c.name)).toEqual(["ds", "rs"]);
      expect(report.package.groups).toEqual([["ds", "dsbench", "rs"]]);

      const status = await controlRequest(socket, { op: "status" });
      expect(status).toMatchObject({ status: { halted: false, versions: { ds: report.package.version, rs: report.package.version, vfs: "boot" } } });
      expect(await controlRequest(socket, { op: "frobnicate" } as never)).toMatchObject({ error: expect.stringMatching(/bad request/) });
      expect(await controlRequest(socket, { op: "status" })).toHaveProperty("status");
      const usage = proteos("update", pkgFile, "--control", socket, "--filter", "to=pm");
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain("--filter: expected from=WHO and/or type=N");

      expect(await controlRequest(socket, { op: "shutdown" })).toEqual({ ok: true });
      const ended = await boot.done;
      expect(ended.code, ended.stderr).toBe(0);
      const summary = JSON.parse(ended.stdout);
      expect(summary).toMatchObject({ end: "halted", workloadErrors: 0 });
      expect(fs.existsSync(socket)).toBe(false);
    } finally {
      boot.child.kill();
    }
    const taken = path.join(tmp, "not-a-socket");
    fs.writeFileSync(taken, "");
    const refusedPath = proteos("boot", "--build", "instrumented", "--build-dir", buildDir, "--control", taken);
    expect(refusedPath.code).toBe(2);
    expect(refusedPath.stderr).toContain("exists and is not a socket");
  }, 240_000);
});
