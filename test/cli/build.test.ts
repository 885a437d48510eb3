/**
 * `proteos build` on a small OS tree (fixtures/instrumenter/plugin/os: one server): the
 * JSON report, reuse on a second run, --force, exit codes (2 bad input, 1 diagnostics);
 * and `proteos boot --build instrumented`, which builds the repository's os/ and runs it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO } from "../support/image.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-cli-build-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const TREE = path.join(REPO, "fixtures/instrumenter/plugin/os");

function proteos(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO, "bin/proteos.mjs"), ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("proteos build", () => {
  it("builds a tree, then reuses its programs (or not, with --force), saying so in --json and in its table", () => {
    const out = path.join(tmp, "out");
    const first = proteos("build", TREE, "-o", out, "--json");
    expect(first.code, first.stderr).toBe(0);
    const cold = JSON.parse(first.stdout);
    expect(cold).toMatchObject({ ok: true, rebuilt: ["counter"], reused: [], diagnostics: [] });
    expect(cold.programs[0]).toMatchObject({ name: "counter", entry: "servers/counter/main.ts", modules: 3, reused: false });
    expect(fs.existsSync(path.join(out, "manifest.json"))).toBe(true);

    const table = proteos("build", TREE, "-o", out);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^program\s+modules\s+build\s+metadata bytes$/m);
    expect(table.stdout).toMatch(/^counter\s+3\s+reused\s+\d+$/m);
    expect(table.stdout).toContain("0 rebuilt, 1 reused");

    const forced = JSON.parse(proteos("build", TREE, "-o", out, "--force", "--json").stdout);
    expect(forced).toMatchObject({ rebuilt: ["counter"], reused: [] });
  });

  it("answers bad input with exit code 2, and explains itself with --help", () => {
    const missing = proteos("build", path.join(tmp, "absent"), "-o", path.join(tmp, "x"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no OS tree at");
    const help = proteos("build", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--json");
  });

  it("fails with exit code 1 listing every diagnostic, writing nothing", () => {
    const tree = path.join(tmp, "bad-os");
    fs.mkdirSync(path.join(tree, "boot"), { recursive: true });
    fs.writeFileSync(path.join(tree, "boot/programs.ts"), 'export const PROGRAMS: Record<string, string> = { bad: "main.ts" };\n');
    fs.writeFileSync(path.join(tree, "main.ts"), "export let a: any = 1;\nexport let b: unknown = 2;\nexport function main(): void {}\n");
    const out = path.join(tmp, "bad-out");
    const r = proteos("build", tree, "-o", out, "--json");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("main.ts:1:12: error untyped-state");
    expect(r.stderr).toContain("main.ts:2:12: error untyped-state");
    expect(r.stderr).toContain("hint:");
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.diagnostics).toHaveLength(2);
    expect(fs.existsSync(path.join(out, "manifest.json"))).toBe(false);
  });
});

describe("proteos boot --build", () => {
  it("boots the OS from its instrumented build", () => {
    const r = proteos("boot", "--workload", "proctree", "--json", "--build", "instrumented", "--build-dir", path.join(tmp, "os-build"));
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.image).toBe("instrumented");
    expect(s.workloadErrors).toBe(0);
    expect(fs.existsSync(path.join(tmp, "os-build", "manifest.json"))).toBe(true);
    const bad = proteos("boot", "--build", "fast");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown build 'fast'");
  });
});
