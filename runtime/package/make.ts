/**
 * Making a package from two instrumented builds of the OS: the base (as deployed) and
 * the target. Every program of both whose fingerprint differs is a component (programs
 * of one only are listed as added or removed); its state diff is
 * the transfer plan between the two metadata (with the target's transformers), and a
 * change no transformer covers refuses the package unless `allowIncomplete` says to
 * record it instead.
 */
import type * as crypto from "node:crypto";
import { BuildImage } from "../../instrumenter/build/image.js";
import { mapFile, metadataFile, moduleFile, readChecked, RUNTIME_MODULE, sha256 } from "../../instrumenter/build/manifest.js";
import type { PlannedChange } from "../transfer/changes.js";
import { TransferPlanError } from "../transfer/errors.js";
import { planTransfer, type TransferPlan } from "../transfer/plan.js";
import {
  encodePackage, PackageError, packageDigest, partEntry, type PackageComponent, type PackageManifest, type UpdatePackage,
  type VariableChange,
} from "./format.js";
import { signManifest } from "./sign.js";
import { suggest } from "./suggest.js";
import { loadTransformers } from "./transformers.js";

export interface PackageSide {
  /** For people: a git revision, a directory. */
  label: string;
  build: BuildImage;
}

export interface MakeOptions {
  /** Each program's compiled transformer module (CommonJS, see transformers.ts), by program name. */
  transformers?: ReadonlyMap<string, string>;
  /** Record changes no transformer covers instead of refusing. */
  allowIncomplete?: boolean;
  signingKey?: crypto.KeyObject;
}

/** Changes that need a transformer and have none, per program: why a package was refused. */
export class IncompletePackageError extends PackageError {
  constructor(readonly uncovered: ReadonlyArray<{ program: string; change: PlannedChange }>) {
    super(`${uncovered.length} change${uncovered.length === 1 ? "" : "s"} need${uncovered.length === 1 ? "s" : ""} a transformer that is not given:\n`
      + uncovered.map(({ program, change: c }) => {
        const where = changePlace(c);
        return `  ${program}: ${where.file}: ${where.owner} ${where.name}${where.field === null ? "" : `, field ${where.field}`}: `
          + `${c.detail} (${c.kind}); add ${c.fix} to update/${program}.ts`;
      }).join("\n")
      + "\n(--allow-incomplete makes the package anyway and records these changes in it)");
    this.name = "IncompletePackageError";
  }
}

/**
 * Where a change is, for people: "servers/vfs/state.ts#Vnode.size" is in file
 * servers/vfs/state.ts, type Vnode, field size; "m#vfs.vnodes<value>" below variable vfs.
 */
export function changePlace(c: PlannedChange): { file: string; owner: "type" | "variable"; name: string; field: string | null } {
  const hash = c.location.indexOf("#");
  const rest = c.location.slice(hash + 1);
  const name = /^[\w$]+/.exec(rest)?.[0] ?? rest;
  const field = rest.slice(name.length).replace(/^\./, "");
  return { file: c.location.slice(0, hash), owner: c.fix.startsWith("types") ? "type" : "variable", name, field: field === "" ? null : field };
}

/** The fingerprint of a whole build: of every program it has. */
export function buildFingerprint(build: BuildImage): string {
  return sha256(build.programs().sort().map((p) => `${p} ${build.fingerprint(p)}`).join("\n"));
}

export function makePackage(base: PackageSide, target: PackageSide, opts: MakeOptions = {}): { text: string; pkg: UpdatePackage } {
  const b = base.build.manifest;
  const t = target.build.manifest;
  if (b.instrumenterVersion !== t.instrumenterVersion) {
    throw new PackageError("the two builds were made by different instrumenters: build both with this proteos");
  }
  const transformers = opts.transformers ?? new Map<string, string>();
  for (const program of transformers.keys()) {
    if (!Object.hasOwn(t.programs, program)) throw new PackageError(`update/${program}.ts: there is no program "${program}" in ${target.label}`);
  }
  const changed = target.build.programs().filter((p) => Object.hasOwn(b.programs, p)
    && base.build.fingerprint(p) !== target.build.fingerprint(p)).sort();
  const added = target.build.programs().filter((p) => !Object.hasOwn(b.programs, p)).sort();
  const removed = base.build.programs().filter((p) => !Object.hasOwn(t.programs, p)).sort();
  for (const program of transformers.keys()) {
    if (!changed.includes(program)) throw new PackageError(`update/${program}.ts: ${program} is the same in both versions, so it has nothing to transform`);
  }
  const parts = new Map<string, string>();
  const put = (name: string, text: string) => {
    parts.set(name, text);
    return name;
  };
  const fromBuild = (rel: string, hash: string) => {
    const r = readChecked(target.build.outDir, rel, hash);
    if ("problem" in r) throw new PackageError(`${target.build.outDir}/${rel}: ${r.problem}`);
    return put(rel, r.text);
  };
  const modules: PackageManifest["modules"] = {};
  const addModule = (mod: string, out: { codeHash: string; mapHash: string }) => {
    modules[mod] ??= { code: fromBuild(moduleFile(mod), out.codeHash), map: fromBuild(mapFile(mod), out.mapHash) };
  };
  addModule(RUNTIME_MODULE, t.runtime);

  const incomplete: Array<{ program: string; change: PlannedChange }> = [];
  const components: PackageComponent[] = [];
  for (const program of changed) {
    const entry = t.programs[program]!;
    for (const mod of entry.modules) addModule(mod, t.modules[mod]!);
    const code = transformers.get(program);
    const plan = planOf(program, base.build, target.build, code, incomplete);
    components.push({
      program, from: base.build.fingerprint(program), to: target.build.fingerprint(program),
      entry: entry.entry, modules: entry.modules,
      metadata: fromBuild(metadataFile(program), entry.metadataHash),
      transformers: code === undefined ? null : put(`transformers/${program}.js`, code),
      variables: variableChanges(plan), changes: [...plan.changes],
      state: "request-free", hold: [],
    });
  }
  if (incomplete.length > 0 && !opts.allowIncomplete) throw new IncompletePackageError(incomplete);

  const manifest: PackageManifest = {
    instrumenterVersion: t.instrumenterVersion,
    base: { label: base.label, fingerprint: buildFingerprint(base.build) },
    target: { label: target.label, fingerprint: buildFingerprint(target.build) },
    components, groups: [], added, removed, modules, incomplete,
    parts: Object.fromEntries([...parts].map(([name, text]) => [name, partEntry(text)])),
  };
  suggest(manifest, base.build, target.build);
  const signature = opts.signingKey ? signManifest(manifest, opts.signingKey) : null;
  return { text: encodePackage(manifest, parts, signature), pkg: { manifest, signature, parts, digest: packageDigest(manifest) } };
}

/** The transfer plan of one program; uncovered changes are collected, every other problem refuses. */
function planOf(program: string, base: BuildImage, target: BuildImage, code: string | undefined,
  incomplete: Array<{ program: string; change: PlannedChange }>): TransferPlan {
  const transformers = code === undefined ? undefined : loadTransformers(code, `update/${program}.ts`);
  try {
    return planTransfer(base.metadata(program), target.metadata(program), transformers);
  } catch (err) {
    if (!(err instanceof TransferPlanError) || !err.plan) throw err;
    if (err.problems.length > 0) throw new PackageError(`update/${program}.ts:\n  ${err.problems.join("\n  ")}`);
    for (const change of err.uncovered) incomplete.push({ program, change });
    return err.plan;
  }
}

function variableChanges(plan: TransferPlan): VariableChange[] {
  const out: VariableChange[] = [];
  for (const v of plan.variables) {
    if (v.action === "new" || v.action === "dropped" || v.action === "transient") {
      out.push({ name: v.qualifiedName, action: v.action, oldName: null });
    } else if (v.oldName !== null && v.oldName !== v.name) {
      out.push({ name: v.qualifiedName, action: "renamed", oldName: `${v.module}#${v.oldName}` });
    }
  }
  return out;
}
