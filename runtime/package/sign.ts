/**
 * Package signatures: ed25519 (node:crypto) over the canonical manifest, which holds the
 * hash of every part. A signature is always checked against the key it names (a damaged
 * signature is refused); with trusted keys given, that key must be one of them.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { canonicalJson, PackageError, type PackageManifest, type PackageSignature, type UpdatePackage } from "./format.js";

export function signManifest(manifest: PackageManifest, privateKey: crypto.KeyObject): PackageSignature {
  if (privateKey.asymmetricKeyType !== "ed25519") throw new PackageError(`signing key: expected an ed25519 key, got ${privateKey.asymmetricKeyType}`);
  const publicKey = crypto.createPublicKey(privateKey).export({ type: "spki", format: "der" }).toString("base64");
  const value = crypto.sign(null, Buffer.from(canonicalJson(manifest)), privateKey).toString("base64");
  return { algorithm: "ed25519", publicKey, value };
}

/** Throws PackageError unless the package's signature is sound and, when `trusted` is given, by one of those keys. */
export function verifySignature(pkg: UpdatePackage, trusted: readonly crypto.KeyObject[] | null, source = "package"): void {
  const key = signerKey(pkg, source);
  if (trusted === null) return;
  if (key === null) throw new PackageError(`${source}: not signed, and a signature by a trusted key is required`);
  if (!isTrusted(key, trusted)) throw new PackageError(`${source}: signed by a key that is not trusted (fingerprint ${keyFingerprint(key)})`);
}

/**
 * The key that signed the package, its signature checked (null: not signed). A signature
 * that does not verify, or names a key that cannot be read, throws PackageError.
 */
export function signerKey(pkg: UpdatePackage, source = "package"): crypto.KeyObject | null {
  const sig = pkg.signature;
  if (sig === null) return null;
  let key: crypto.KeyObject;
  try {
    key = crypto.createPublicKey({ key: Buffer.from(sig.publicKey, "base64"), format: "der", type: "spki" });
  } catch (err) {
    throw new PackageError(`${source}: signature names a public key that cannot be read (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new PackageError(`${source}: signature key is not an ed25519 key`);
  if (!crypto.verify(null, Buffer.from(canonicalJson(pkg.manifest)), key, Buffer.from(sig.value, "base64"))) {
    throw new PackageError(`${source}: bad signature: the manifest was modified after it was signed, or the signature is damaged`);
  }
  return key;
}

export function isTrusted(key: crypto.KeyObject, trusted: readonly crypto.KeyObject[]): boolean {
  return trusted.some((t) => t.equals(key));
}

/** A short name for a public key: the start of the sha256 of its DER form. */
export function keyFingerprint(key: crypto.KeyObject): string {
  const pub = key.type === "private" ? crypto.createPublicKey(key) : key;
  return crypto.createHash("sha256").update(pub.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
}

/** A PEM key file (private for signing, public for trusting; a private key file also yields its public key). */
export function readKeyFile(file: string, kind: "private" | "public"): crypto.KeyObject {
  let pem: string;
  try {
    pem = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new PackageError(`${file}: cannot read key (${(err as Error).message})`);
  }
  try {
    const key = kind === "private" ? crypto.createPrivateKey(pem) : crypto.createPublicKey(pem);
    if (key.asymmetricKeyType !== "ed25519") throw new Error(`expected an ed25519 key, got ${key.asymmetricKeyType}`);
    return key;
  } catch (err) {
    throw new PackageError(`${file}: not an ed25519 ${kind} key in PEM form (${(err as Error).message})`);
  }
}

/** A new ed25519 key pair in PEM: the private key (PKCS#8) to sign with, the public one (SPKI) to trust. */
export function newKeyPair(): { privatePem: string; publicPem: string; fingerprint: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
  return {
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    fingerprint: keyFingerprint(publicKey),
  };
}
