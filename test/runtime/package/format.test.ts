/**
 * The package format (runtime/package/format.ts) and its signatures (sign.ts), on a
 * small package made by hand: encode and decode round trip, and every way a package
 * file can be bad (truncated, not JSON, another format version, a part modified, added
 * or missing, a manifest out of schema), each refused with a message saying which.
 */
import * as crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  canonicalJson, componentFingerprint, decodePackage, encodePackage, PackageError, packageDigest, partEntry, type PackageManifest,
} from "../../../runtime/package/format.js";
import { keyFingerprint, newKeyPair, signManifest, signerKey, verifySignature } from "../../../runtime/package/sign.js";

const HASH = "a".repeat(64);

/** One component ("echo") with one module, its metadata and its transformers. */
function samplePackage(): { manifest: PackageManifest; parts: Map<string, string> } {
  const parts = new Map([
    ["modules/servers/echo/main.js", "exports.main = () => 0;\n"],
    ["modules/servers/echo/main.js.map", '{"version":3}'],
    ["modules/proteos%3Art.js", "// runtime\n"],
    ["modules/proteos%3Art.js.map", '{"version":3}'],
    ["programs/echo/metadata.json", '{"modules":[]}'],
    ["transformers/echo.js", "exports.default = { types: {} };\n"],
  ]);
  const manifest: PackageManifest = {
    instrumenterVersion: HASH,
    base: { label: "v1", fingerprint: "b".repeat(64) },
    target: { label: "v2", fingerprint: "c".repeat(64) },
    components: [{
      program: "echo", from: "d".repeat(64), to: "e".repeat(64), entry: "servers/echo/main.ts", modules: ["servers/echo/main.ts"],
      metadata: "programs/echo/metadata.json", transformers: "transformers/echo.js", variables: [],
      changes: [{ location: "servers/echo/main.ts#Echo.n", kind: "retyped", verdict: "transformer", detail: "string → number",
        fix: 'types["servers/echo/main.ts#Echo"]', coveredBy: "type servers/echo/main.ts#Echo" }],
      state: "request-free", hold: [],
    }],
    groups: [],
    added: [],
    removed: [],
    modules: {
      "servers/echo/main.ts": { code: "modules/servers/echo/main.js", map: "modules/servers/echo/main.js.map" },
      "proteos:rt": { code: "modules/proteos%3Art.js", map: "modules/proteos%3Art.js.map" },
    },
    incomplete: [],
    parts: Object.fromEntries([...parts].map(([name, text]) => [name, partEntry(text)])),
  };
  manifest.components[0]!.to = componentFingerprint(manifest, manifest.components[0]!);
  return { manifest, parts };
}

/** The package text with its JSON changed by `edit`. */
function edited(text: string, edit: (json: any) => void): string {
  const json = JSON.parse(text);
  edit(json);
  return JSON.stringify(json);
}

/** The package text with a "__proto__" key put first in the object that the `n`th (from the end if negative) `"key":{` opens. */
function withProtoKey(text: string, key: string, n: number, value: string): string {
  const opening = `"${key}":{`;
  const at: number[] = [];
  for (let i = text.indexOf(opening); i >= 0; i = text.indexOf(opening, i + 1)) at.push(i + opening.length);
  const i = at.at(n)!;
  return `${text.slice(0, i)}"__proto__":${value},${text.slice(i)}`;
}

const { manifest, parts } = samplePackage();
const text = encodePackage(manifest, parts);

describe("package format", () => {
  it("decodes what it encodes: manifest, parts and digest", () => {
    const pkg = decodePackage(text);
    expect(pkg.manifest).toEqual(manifest);
    expect(pkg.parts).toEqual(parts);
    expect(pkg.signature).toBeNull();
    expect(pkg.digest).toBe(packageDigest(manifest));
    expect(JSON.parse(text)).toMatchObject({ format: "proteos-update-package", formatVersion: 1 });
  });

  it("computes the digest over the canonical manifest, whatever its key order", () => {
    const reordered = Object.fromEntries(Object.entries(manifest).reverse()) as PackageManifest;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(manifest));
    expect(canonicalJson(reordered)).toBe(canonicalJson(manifest));
    expect(packageDigest(reordered)).toBe(packageDigest(manifest));
  });

  it.each([
    ["an empty file", "", /package: truncated/],
    ["a cut-off file", text.slice(0, text.length / 2), /package: truncated/],
    ["a file that is not JSON", "PK\u0003\u0004 zip", /package: not a package/],
    ["JSON of something else", '{"name":"proteos-ts"}', /not a proteos update package/],
    ["another format version", edited(text, (j) => { j.formatVersion = 2; }), /format version 2 is not supported \(this proteos reads version 1\)/],
    ["a part modified", edited(text, (j) => { j.parts["modules/servers/echo/main.js"] = "exports.main = () => 1;\n"; }),
      /part "modules\/servers\/echo\/main.js" does not match its hash in the manifest .*: the package was modified/],
    ["a part removed", edited(text, (j) => { delete j.parts["transformers/echo.js"]; }), /part "transformers\/echo.js" is missing/],
    ["a part not listed", edited(text, (j) => { j.parts["modules/servers/evil.js"] = "x"; }),
      /part "modules\/servers\/evil.js" is not listed in the manifest: the package was modified/],
    ["a manifest field missing", edited(text, (j) => { delete j.manifest.base; }), /bad manifest: manifest\.base/],
    ["a module path outside the tree", edited(text, (j) => { j.manifest.components[0].entry = "../../etc/passwd.ts"; }),
      /bad manifest: manifest\.components\[0\]\.entry: expected a module path relative to the OS root/],
    ["a component naming a part that is not there", edited(text, (j) => { j.manifest.components[0].metadata = "programs/x/metadata.json"; }),
      /part "programs\/x\/metadata.json" is not in parts/],
    ["a group of programs that are not components", edited(text, (j) => { j.manifest.groups = [["echo", "vfs"]]; }),
      /"vfs" is not a component/],
    ["a component whose \"to\" is not the fingerprint of its parts", edited(text, (j) => { j.manifest.components[0].to = "e".repeat(64); }),
      /component echo: its "to" fingerprint eeeeeeeeeeee… is not the one of its parts \([0-9a-f]{12}…\): the package was modified/],
    ["a manifest without the runtime module", edited(text, (j) => { delete j.manifest.modules["proteos:rt"]; }),
      /bad manifest: manifest\.modules: the runtime module "proteos:rt" every component loads is not in modules/],
    // zod's records would drop these keys unchecked: the text under them is covered by no hash or signature.
    ["junk under \"__proto__\" in the manifest's parts", withProtoKey(text, "parts", 0, '{"sha256":"x","bytes":-1}'),
      /a key "__proto__" at manifest\.parts\.__proto__: not a key a package has/],
    ["junk under \"__proto__\" in the manifest's modules", withProtoKey(text, "modules", 0, '{"code":"evil","map":"evil"}'),
      /a key "__proto__" at manifest\.modules\.__proto__/],
    ["junk under \"__proto__\" in the envelope's parts", withProtoKey(text, "parts", -1, '"globalThis.pwned = 1"'),
      /a key "__proto__" at parts\.__proto__/],
  ])("refuses %s, saying so", (_what, bad, message) => {
    expect(() => decodePackage(bad, "package")).toThrow(PackageError);
    expect(() => decodePackage(bad, "package")).toThrow(message);
  });
});

describe("package signatures", () => {
  const signer = crypto.generateKeyPairSync("ed25519");
  const other = crypto.generateKeyPairSync("ed25519");
  const signed = encodePackage(manifest, parts, signManifest(manifest, signer.privateKey));

  it("verifies a signature by a trusted key, and names the signer", () => {
    const pkg = decodePackage(signed);
    expect(() => verifySignature(pkg, [other.publicKey, signer.publicKey])).not.toThrow();
    expect(() => verifySignature(pkg, null)).not.toThrow();
    expect(keyFingerprint(signerKey(pkg)!)).toBe(keyFingerprint(signer.publicKey));
    expect(keyFingerprint(signer.privateKey)).toBe(keyFingerprint(signer.publicKey));
  });

  it("refuses a manifest modified after signing (parts and all rehashed), with or without trusted keys", () => {
    const forged = edited(signed, (j) => { j.manifest.target.label = "v3"; });
    const pkg = decodePackage(forged);
    expect(() => verifySignature(pkg, null)).toThrow(/bad signature: the manifest was modified after it was signed/);
    expect(() => verifySignature(pkg, [signer.publicKey])).toThrow(/bad signature/);
  });

  it("refuses a signature by a key that is not trusted, naming its fingerprint", () => {
    expect(() => verifySignature(decodePackage(signed), [other.publicKey]))
      .toThrow(`signed by a key that is not trusted (fingerprint ${keyFingerprint(signer.publicKey)})`);
  });

  it("refuses an unsigned package when a trusted signature is required, and accepts it otherwise", () => {
    expect(() => verifySignature(decodePackage(text), [signer.publicKey])).toThrow(/not signed, and a signature by a trusted key is required/);
    expect(() => verifySignature(decodePackage(text), null)).not.toThrow();
  });

  it("refuses a signature naming a key that is not a key", () => {
    const broken = edited(signed, (j) => { j.signature.publicKey = Buffer.from("not a key").toString("base64"); });
    expect(() => verifySignature(decodePackage(broken), null)).toThrow(/names a public key that cannot be read/);
  });

  it("makes key pairs whose PEM files sign and verify", () => {
    const pair = newKeyPair();
    const privateKey = crypto.createPrivateKey(pair.privatePem);
    const pkg = decodePackage(encodePackage(manifest, parts, signManifest(manifest, privateKey)));
    expect(() => verifySignature(pkg, [crypto.createPublicKey(pair.publicPem)])).not.toThrow();
    expect(pair.fingerprint).toBe(keyFingerprint(privateKey));
  });
});
