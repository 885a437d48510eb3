/**
 * `proteos keygen`, `proteos diff` and `proteos inspect` on the version pair in
 * fixtures/packages: a signed package made and inspected (text, --json, --trust), a
 * refused diff (exit 1, uncovered changes in --json), and bad input (exit 2): a missing
 * tree, an unreadable key, a modified package. (Every kind of bad package and
 * bad revision is in test/runtime/package.)
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { newKeyPair } from "../../runtime/package/sign.js";
import { REPO } from "../support/image.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-cli-package-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const V1 = path.join(REPO, "fixtures/packages/v1");
const V2 = path.join(REPO, "fixtures/packages/v2");
/** Builds kept for the whole file, as a user's .cache keeps them. */
const CACHE = ["--cache-dir", path.join(tmp, "cache")];

function proteos(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO, "bin/proteos.mjs"), ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("proteos keygen, diff and inspect", () => {
  const key = path.join(tmp, "release");
  const pkgFile = path.join(tmp, "v2.pkg");

  it("makes a key pair, the private key readable by its owner only, and will not overwrite it", () => {
    const r = proteos("keygen", "-o", key, "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ privateKey: `${key}.key`, publicKey: `${key}.pub`, fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(fs.statSync(`${key}.key`).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(`${key}.pub`, "utf8")).toContain("BEGIN PUBLIC KEY");
    const again = proteos("keygen", "-o", key);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`'${key}.key' exists (--force replaces it)`);
  });

  it("makes each key file anew: never writes through a symlink at its name, --force or not", () => {
    const planted = path.join(tmp, "planted");
    const victim = path.join(tmp, "victim.txt");
    fs.writeFileSync(victim, "keep me\n");
    fs.symlinkSync(path.join(tmp, "nowhere.txt"), `${planted}.pub`); // dangling: existsSync does not see it
    const refused = proteos("keygen", "-o", planted);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot write the key files: EEXIST/);
    expect(fs.existsSync(path.join(tmp, "nowhere.txt"))).toBe(false);

    fs.rmSync(`${planted}.pub`);
    fs.rmSync(`${planted}.key`, { force: true });
    fs.symlinkSync(victim, `${planted}.key`);
    fs.symlinkSync(victim, `${planted}.pub`);
    const forced = proteos("keygen", "-o", planted, "--force");
    expect(forced.code, forced.stderr).toBe(0);
    expect(fs.readFileSync(victim, "utf8")).toBe("keep me\n");
    for (const f of [`${planted}.key`, `${planted}.pub`]) expect(fs.lstatSync(f).isFile(), f).toBe(true);
    expect(fs.statSync(`${planted}.key`).mode & 0o777).toBe(0o600);
  });

  it("makes a signed package and prints what it holds", () => {
    const r = proteos("diff", V1, V2, "-o", pkgFile, "--sign", `${key}.key`, "--json", ...CACHE);
    expect(r.code, r.stderr).toBe(0);
    const made = JSON.parse(r.stdout);
    expect(made).toMatchObject({ ok: true, file: pkgFile, signature: { signed: true, trusted: null }, groups: [["ping", "pong"]] });
    expect(made.components.map((c: { program: string }) => c.program)).toEqual(["counter", "ping", "pong", "store"]);
    expect(made.bytes).toBe(fs.statSync(pkgFile).size);
  });

  it("inspects it: a readable report, the same as JSON, and its signature checked against trusted keys", () => {
    const stranger = path.join(tmp, "stranger.pub");
    fs.writeFileSync(stranger, newKeyPair().publicPem);
    const untrusted = proteos("inspect", pkgFile, "--trust", stranger);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toMatch(/^update package [0-9a-f]{12} {2}\(\d+ bytes, format 1\)$/m);
    expect(untrusted.stdout).toMatch(/signature {2}ed25519, key [0-9a-f]{16}: NOT TRUSTED/);
    expect(untrusted.stdout).toContain("→ by transformer type servers/store/state.ts#Entry");
    expect(untrusted.stderr).toMatch(/signed by a key that is not trusted \([0-9a-f]{16}\)/);

    const trusted = proteos("inspect", pkgFile, "--json", "--trust", stranger, "--trust", `${key}.pub`);
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(JSON.parse(trusted.stdout)).toMatchObject({ signature: { signed: true, trusted: true }, incomplete: [] });
  });

  it("refuses (exit 1) a diff with a change no transformer covers, listing it in --json", () => {
    // Backwards, v1 has no update/store.ts for Entry.size going from number back to string.
    const r = proteos("diff", V2, V1, "-o", path.join(tmp, "back.pkg"), "--json", ...CACHE);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('store: servers/store/state.ts: type Entry, field size: number → string (retyped); add types["servers/store/state.ts#Entry"] to update/store.ts');
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false, refused: "incomplete",
      uncovered: [{ program: "store", file: "servers/store/state.ts", owner: "type", name: "Entry", field: "size", kind: "retyped",
        fix: 'types["servers/store/state.ts#Entry"]' }],
    });
    expect(fs.existsSync(path.join(tmp, "back.pkg"))).toBe(false);
  });

  it("answers bad input with exit code 2 and a message naming it", () => {
    const out = ["-o", path.join(tmp, "x.pkg")];
    const missing = proteos("diff", path.join(tmp, "absent"), V2, ...out, ...CACHE);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no OS tree at");
    const badKey = proteos("diff", V1, V2, ...out, "--sign", `${key}.pub`, ...CACHE);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain("not an ed25519 private key in PEM form");
    // The new tree's update/ is a file, not a directory of transformers.
    const v2 = path.join(tmp, "v2-update-file");
    fs.cpSync(V2, v2, { recursive: true });
    fs.rmSync(path.join(v2, "update"), { recursive: true });
    fs.writeFileSync(path.join(v2, "update"), "not a directory\n");
    const notDir = proteos("diff", V1, v2, ...out, ...CACHE);
    expect(notDir.code, notDir.stderr).toBe(2);
    expect(notDir.stderr).toMatch(/^proteos: cannot read the transformers in .*v2-update-file\/update: ENOTDIR/);
  });

  it("refuses (exit 2) a package that was modified", () => {
    const modified = path.join(tmp, "modified.pkg");
    fs.writeFileSync(modified, fs.readFileSync(pkgFile, "utf8").replace("Number(old.size)", "Number(old.size) + 1"));
    const r = proteos("inspect", modified);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/part "transformers\/store.js" does not match its hash in the manifest .*: the package was modified/);
  });
});
