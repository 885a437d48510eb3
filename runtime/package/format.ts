/**
 * The update package: one file that takes a system from one OS version to the next.
 * `proteos diff` writes it, `proteos inspect` reads it, `proteos update` (and `service
 * update --package` inside the OS) applies it. The format is documented in README.md
 * next to this file; this module is its definition: encode, decode, verify.
 *
 * A package is JSON text:
 *   { format: "proteos-update-package", formatVersion: 1,
 *     manifest: { … },                                   validated with zod (PackageManifestSchema)
 *     signature: null | { algorithm: "ed25519", publicKey, value },   over canonicalJson(manifest)
 *     parts: { "<part name>": "<text>" } }               code, source maps, metadata, transformers
 * The manifest holds the sha256 and length of every part, so a signature over the
 * manifest covers the whole package. Decoding checks everything before it returns:
 * a package that decodes is whole, untampered and (if a key is trusted) signed by it.
 */
import { z } from "zod";
import { formatPath } from "../../instrumenter/metadata/schema.js";
import { programFingerprint, RUNTIME_MODULE, sha256 } from "../../instrumenter/build/manifest.js";
import { CHANGE_KINDS, type PlannedChange } from "../transfer/changes.js";
import { InterfaceFilterSchema, PREDEFINED_STATES } from "../update/request.js";

export const PACKAGE_FORMAT = "proteos-update-package";
export const PACKAGE_FORMAT_VERSION = 1;

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, "expected a sha256 digest (64 hex digits)");
/** Module paths as in a build manifest: relative to the OS root, inside it (no "." or ".." steps). */
const ModulePathSchema = z.string().regex(/^(?:[\w-][\w.-]*\/)*[\w-][\w.-]*\.ts$|^proteos:rt$/,
  "expected a module path relative to the OS root, e.g. \"servers/pm/main.ts\"");
const ProgramNameSchema = z.string().regex(/^[\w-]+$/, "expected a program name of letters, digits, '_' and '-'");
const PartNameSchema = z.string().regex(/^[\w%.-]+(?:\/[\w%.-]+)*$/, "expected a part name such as \"modules/servers/pm/main.js\"")
  .refine((n) => !n.split("/").some((s) => s === "." || s === ".."), "a part name has no \".\" or \"..\" steps");

/** A version of the OS: a label for people (a git revision, a directory) and the fingerprint of its build. */
const VersionRefSchema = z.strictObject({
  label: z.string().min(1),
  /** sha256 over the fingerprints of every program of the build (see `buildFingerprint`). */
  fingerprint: Sha256Schema,
});

const ChangeSchema = z.strictObject({
  location: z.string().min(1),
  kind: z.enum(Object.keys(CHANGE_KINDS) as [keyof typeof CHANGE_KINDS, ...(keyof typeof CHANGE_KINDS)[]]),
  verdict: z.enum(["auto", "transformer", "unsupported"]),
  detail: z.string(),
  fix: z.string(),
  coveredBy: z.string().nullable(),
}) satisfies z.ZodType<PlannedChange>;

/** A variable whose fate is not "transferred under the same name". */
const VariableChangeSchema = z.strictObject({
  /** "module#name" in the new version (in the old one when dropped). */
  name: z.string().min(1),
  action: z.enum(["new", "dropped", "renamed", "transient"]),
  /** Its name in the old version when renamed. */
  oldName: z.string().nullable(),
});
export type VariableChange = z.infer<typeof VariableChangeSchema>;

const ComponentSchema = z.strictObject({
  program: ProgramNameSchema,
  /** Fingerprint of the program in the base version: applying checks the running one is this. */
  from: Sha256Schema,
  /** Fingerprint of the program in this package (`programFingerprint` of its parts: decoding checks it). */
  to: Sha256Schema,
  entry: ModulePathSchema,
  /** The modules the program loads, entry first (each in `modules` of the manifest). */
  modules: z.array(ModulePathSchema).min(1),
  /** Part holding the program's state metadata (new version). */
  metadata: PartNameSchema,
  /** Part holding its transformers as a CommonJS module, or null if it needs none. */
  transformers: PartNameSchema.nullable(),
  /** The state diff. */
  variables: z.array(VariableChangeSchema),
  changes: z.array(ChangeSchema),
  /** Suggested state to wait for, and interface filters while draining. */
  state: z.enum(PREDEFINED_STATES),
  hold: z.array(InterfaceFilterSchema),
});
export type PackageComponent = z.infer<typeof ComponentSchema>;

const ModuleSchema = z.strictObject({ code: PartNameSchema, map: PartNameSchema });

const PartSchema = z.strictObject({ sha256: Sha256Schema, bytes: z.number().int().nonnegative() });

export const PackageManifestSchema = z.strictObject({
  /** The instrumenter that built both versions (its fingerprint). */
  instrumenterVersion: Sha256Schema,
  base: VersionRefSchema,
  target: VersionRefSchema,
  /** Every changed program, in name order. */
  components: z.array(ComponentSchema),
  /** Programs that must be updated together (each group sorted; a message format they share changed). */
  groups: z.array(z.array(ProgramNameSchema).min(2)),
  /**
   * Programs the target has and the base does not, and the other way round (name order).
   * They are not components: a package carries no code for an added program and cannot
   * take a removed one away; only a boot of the target version runs (or drops) them.
   */
  added: z.array(ProgramNameSchema),
  removed: z.array(ProgramNameSchema),
  /** Every module a component loads, "proteos:rt" included. */
  modules: z.record(ModulePathSchema, ModuleSchema),
  /** Made with --allow-incomplete: the changes no transformer covers (an update of such a component rolls back or is refused). */
  incomplete: z.array(z.strictObject({ program: ProgramNameSchema, change: ChangeSchema })),
  parts: z.record(PartNameSchema, PartSchema),
}).superRefine((m, ctx) => {
  const named = (part: string, where: PropertyKey[]) => {
    if (!Object.hasOwn(m.parts, part)) ctx.addIssue({ code: "custom", path: where, message: `part "${part}" is not in parts` });
  };
  m.components.forEach((c, i) => {
    if (c.modules[0] !== c.entry) ctx.addIssue({ code: "custom", path: ["components", i, "modules", 0], message: `the entry "${c.entry}" must come first` });
    c.modules.forEach((mod, j) => {
      if (!Object.hasOwn(m.modules, mod)) ctx.addIssue({ code: "custom", path: ["components", i, "modules", j], message: `module "${mod}" is not in modules` });
    });
    named(c.metadata, ["components", i, "metadata"]);
    if (c.transformers !== null) named(c.transformers, ["components", i, "transformers"]);
  });
  if (m.components.length > 0 && !Object.hasOwn(m.modules, RUNTIME_MODULE)) {
    ctx.addIssue({ code: "custom", path: ["modules"], message: `the runtime module "${RUNTIME_MODULE}" every component loads is not in modules` });
  }
  const programs = m.components.map((c) => c.program);
  programs.forEach((p, i) => {
    if (programs.indexOf(p) !== i) ctx.addIssue({ code: "custom", path: ["components", i, "program"], message: `program "${p}" appears twice` });
  });
  m.groups.forEach((g, i) => g.forEach((p, j) => {
    if (!programs.includes(p)) ctx.addIssue({ code: "custom", path: ["groups", i, j], message: `"${p}" is not a component` });
  }));
  for (const [mod, files] of Object.entries(m.modules)) {
    named(files.code, ["modules", mod, "code"]);
    named(files.map, ["modules", mod, "map"]);
  }
});
export type PackageManifest = z.infer<typeof PackageManifestSchema>;

const SignatureSchema = z.strictObject({
  algorithm: z.literal("ed25519"),
  /** The signer's public key: DER (SubjectPublicKeyInfo), base64. */
  publicKey: z.string().min(1),
  /** The signature of canonicalJson(manifest), base64. */
  value: z.string().min(1),
});
export type PackageSignature = z.infer<typeof SignatureSchema>;

const EnvelopeSchema = z.strictObject({
  format: z.literal(PACKAGE_FORMAT),
  formatVersion: z.number().int(),
  manifest: z.unknown(),
  signature: SignatureSchema.nullable(),
  parts: z.record(z.string(), z.string()),
});

/** A decoded package: its manifest and the text of every part, all checked. */
export interface UpdatePackage {
  readonly manifest: PackageManifest;
  readonly signature: PackageSignature | null;
  readonly parts: ReadonlyMap<string, string>;
  /** sha256 of canonicalJson(manifest): names the package (and every part, through their hashes). */
  readonly digest: string;
}

/** A package that cannot be used: the message says what is wrong and where. */
export class PackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PackageError";
  }
}

/**
 * JSON with object keys sorted at every level: the bytes a signature and the package
 * digest are computed over, independent of how the manifest was written out.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** The package file's text. The manifest must already list every part with its hash (see `partEntry`). */
export function encodePackage(manifest: PackageManifest, parts: ReadonlyMap<string, string>,
  signature: PackageSignature | null = null): string {
  return JSON.stringify({
    format: PACKAGE_FORMAT, formatVersion: PACKAGE_FORMAT_VERSION, manifest, signature,
    parts: Object.fromEntries([...parts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  });
}

/** What the manifest records of a part's text. */
export function partEntry(text: string): { sha256: string; bytes: number } {
  const bytes = Buffer.from(text, "utf8");
  return { sha256: sha256(bytes), bytes: bytes.length };
}

export function packageDigest(manifest: PackageManifest): string {
  return sha256(canonicalJson(manifest));
}

/**
 * Decode and check a package file: JSON, envelope, format version, manifest schema, the
 * hash and length of every part, no part unlisted, no "__proto__" key, each component's
 * `to` the fingerprint of its parts. Signatures are checked separately
 * (sign.ts: `verifySignature`), against the keys the caller trusts.
 * Throws PackageError naming the problem.
 */
export function decodePackage(text: string, source = "package"): UpdatePackage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const truncated = text.trim().length === 0 || /end of (JSON )?input|Unterminated/i.test((err as Error).message);
    throw new PackageError(`${source}: ${truncated ? "truncated" : "not a package"} (${(err as Error).message})`);
  }
  if (typeof json !== "object" || json === null || (json as { format?: unknown }).format !== PACKAGE_FORMAT) {
    throw new PackageError(`${source}: not a proteos update package (no "format": "${PACKAGE_FORMAT}")`);
  }
  const version = (json as { formatVersion?: unknown }).formatVersion;
  if (version !== PACKAGE_FORMAT_VERSION) {
    throw new PackageError(`${source}: package format version ${JSON.stringify(version)} is not supported (this proteos reads version ${PACKAGE_FORMAT_VERSION})`);
  }
  const proto = protoKeyPath(json, []);
  if (proto) throw new PackageError(`${source}: a key "__proto__" at ${formatPath(proto)}: not a key a package has (the package was modified)`);
  const envelope = EnvelopeSchema.safeParse(json);
  if (!envelope.success) throw new PackageError(`${source}: ${issues(envelope.error)}`);
  const manifest = PackageManifestSchema.safeParse(envelope.data.manifest);
  if (!manifest.success) throw new PackageError(`${source}: bad manifest: ${issues(manifest.error, ["manifest"])}`);
  const m = manifest.data;
  const parts = new Map<string, string>();
  for (const [name, expected] of Object.entries(m.parts)) {
    if (!Object.hasOwn(envelope.data.parts, name)) throw new PackageError(`${source}: part "${name}" is missing (truncated or damaged package)`);
    const text = envelope.data.parts[name]!;
    const actual = partEntry(text);
    if (actual.sha256 !== expected.sha256 || actual.bytes !== expected.bytes) {
      throw new PackageError(`${source}: part "${name}" does not match its hash in the manifest `
        + `(manifest says ${expected.sha256.slice(0, 12)}…, ${expected.bytes} bytes; part has ${actual.sha256.slice(0, 12)}…, ${actual.bytes} bytes): the package was modified`);
    }
    parts.set(name, text);
  }
  const extra = Object.keys(envelope.data.parts).find((n) => !Object.hasOwn(m.parts, n));
  if (extra !== undefined) throw new PackageError(`${source}: part "${extra}" is not listed in the manifest: the package was modified`);
  // `to` is what applying compares with the running program (already applied?) and what
  // the engine records as running: it must name these parts, not some other build.
  for (const c of m.components) {
    const actual = componentFingerprint(m, c);
    if (actual !== c.to) {
      throw new PackageError(`${source}: component ${c.program}: its "to" fingerprint ${c.to.slice(0, 12)}… is not the one of its `
        + `parts (${actual.slice(0, 12)}…): the package was modified`);
    }
  }
  return { manifest: m, signature: envelope.data.signature, parts, digest: packageDigest(m) };
}

/** The fingerprint of a component's program as its parts make it (`programFingerprint`, as of a build's program). */
export function componentFingerprint(m: PackageManifest, c: PackageComponent): string {
  const hashOf = (mod: string) => m.parts[m.modules[mod]!.code]!.sha256;
  return programFingerprint({ modules: c.modules, codeHash: hashOf, runtimeCodeHash: hashOf(RUNTIME_MODULE),
    metadataHash: m.parts[c.metadata]!.sha256 });
}

/**
 * Where parsed JSON has an own "__proto__" key, if anywhere. zod's records drop such a
 * key from what they return, unchecked, so text under it would decode and be covered by
 * no hash or signature: it is refused instead.
 */
function protoKeyPath(value: unknown, at: PropertyKey[]): PropertyKey[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (Object.hasOwn(value, "__proto__")) return [...at, "__proto__"];
  for (const [key, v] of Object.entries(value)) {
    const found = protoKeyPath(v, [...at, Array.isArray(value) ? Number(key) : key]);
    if (found) return found;
  }
  return undefined;
}

function issues(error: z.ZodError, prefix: PropertyKey[] = []): string {
  return error.issues.slice(0, 5).map((i) => `${formatPath([...prefix, ...i.path])}: ${i.message}`).join("; ");
}
