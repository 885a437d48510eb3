/**
 * Applying an update package to a running system: from the package file and how to
 * apply it to a version ready to stage and a validated update request. Every check is
 * made here, before anything in the running system changes:
 *
 *   decode       JSON, format, manifest schema, the hash of every part (format.ts)
 *   signature    sound, and by a trusted key when keys are trusted (sign.ts)
 *   base         each component runs the package's `from` version (or already its `to`)
 *   code         each component's program loads in a standalone realm: syntax errors,
 *                missing modules and throwing top levels are caught here, not at commit
 *   transformers each component's transformer module loads (transformers.ts)
 *   request      the components asked for exist, overrides are valid
 *
 * The engine then checks the update itself, still before anything is touched or staged
 * (runtime/update/engine.ts): no update in flight, the state transfer plan of each
 * component, its state and interface filters, and the package's groups (`groupProblem`),
 * which hold however the package's version is asked for.
 *
 * A component that runs as a system process is updated live. One that does not (a user
 * program, a service not running) is installed when the update commits: new execs and
 * restarts use the package's code; what runs keeps running.
 */
import type * as crypto from "node:crypto";
import type { Kernel } from "../../os/kernel/kernel.js";
import { errorMessage } from "../error-message.js";
import { isPlainCopy } from "../../instrumenter/transform/index.js";
import { loadProgram, loadRealm } from "../load.js";
import type { Transformers } from "../transfer/transformers.js";
import {
  type ComponentRequest, formatIssues, type PackageOptions, PackageOptionsSchema, PREDEFINED_STATES, type PredefinedState,
  type UpdateRequest,
} from "../update/request.js";
import type { Version } from "../update/versions.js";
import { decodePackage, PackageError, type PackageComponent, type UpdatePackage } from "./format.js";
import { PackageImage } from "./image.js";
import { verifySignature } from "./sign.js";
import { loadTransformers } from "./transformers.js";

/** A package staged as a version. */
export interface PackageVersion extends Version {
  readonly image: PackageImage;
  /**
   * Each component's transformers. A package's transformers are per program (a plan
   * refuses transformers it does not use), so `transformers` of Version stays unset.
   */
  readonly transformersOf: ReadonlyMap<string, Transformers>;
}

export function isPackageVersion(v: Version): v is PackageVersion {
  return v.image instanceof PackageImage;
}

/** What applying needs to know of the running system: the live-update engine answers. */
export interface RunningSystem {
  readonly kernel: Kernel;
  /** The version `program` runs (or starts from, for a program no process runs). */
  versionOf(program: string): Version;
  /** The version staged under `label`, if any. */
  staged(label: string): Version | undefined;
}

export type ApplyOptions = PackageOptions & {
  /** Keys a package must be signed by; null: any package, signed or not (a signature present is still checked). */
  trusted?: readonly crypto.KeyObject[] | null;
};

export interface PreparedPackage {
  version: PackageVersion;
  /**
   * The live update of its components that run as system processes (none: it changes
   * only programs no service runs, installed for new execs when the update commits).
   */
  request: UpdateRequest;
}

/** The label a package is staged under: its target's label and the start of its digest (one package, one version). */
export function versionLabel(pkg: UpdatePackage): string {
  return `${pkg.manifest.target.label}@${pkg.digest.slice(0, 12)}`;
}

/**
 * Check a package against the running system and make the request that applies it.
 * Throws PackageError saying what is wrong. A package staged before (same digest) is
 * reused: its code was loaded then.
 */
export function preparePackage(system: RunningSystem, input: string | Uint8Array, options: PackageOptions,
  trusted: readonly crypto.KeyObject[] | null, source = "package"): PreparedPackage {
  const pkg = decodePackage(typeof input === "string" ? input : utf8(input, source), source);
  verifySignature(pkg, trusted, source);
  const opts = PackageOptionsSchema.safeParse(options);
  if (!opts.success) throw new PackageError(`${source}: bad options: ${formatIssues(opts.error)}`);
  if (pkg.manifest.components.length === 0) throw new PackageError(`${source}: the package changes no program: there is nothing to apply`);

  const services = new Map<string, PackageComponent>(); // service name -> component, those to update live
  const upToDate: string[] = [];
  for (const c of pkg.manifest.components) {
    const current = system.versionOf(c.program);
    if (fingerprintIn(current, c.program) === c.to) {
      upToDate.push(c.program);
      continue;
    }
    const problem = baseProblem(pkg, c.program, current);
    if (problem) throw new PackageError(`${source}: ${problem}`);
    const proc = serviceRunning(system.kernel, c.program);
    if (proc) services.set(proc.name, c);
  }
  if (services.size === 0 && installablePrograms(system, pkg).length === 0) {
    throw new PackageError(`${source}: already applied: the system runs this package's version of ${upToDate.join(", ")}`);
  }
  const label = versionLabel(pkg);
  const staged = system.staged(label);
  if (staged && !(isPackageVersion(staged) && staged.image.pkg.digest === pkg.digest)) {
    throw new PackageError(`${source}: a version labelled "${label}" is already staged, and it is not this package`);
  }
  const version = staged ?? loadVersion(pkg, label, source);

  const { components: asked, state, hold, maxtime, likely, digest } = opts.data;
  const forAll: { state?: PredefinedState; filter?: string } = state === undefined ? {} : (PREDEFINED_STATES as readonly string[]).includes(state)
    ? { state: state as PredefinedState } : { filter: state };
  const chosen: NonNullable<typeof asked> = asked ?? [...services.keys()].map((name) => ({ name }));
  for (const a of chosen) {
    if (services.has(a.name)) continue;
    const c = pkg.manifest.components.find((x) => x.program === a.name);
    throw new PackageError(`${source}: ${c === undefined ? `the package does not change "${a.name}"`
      : upToDate.includes(a.name) ? `${a.name} already runs the package's version`
      : `${a.name} does not run as a system process: its new version is installed for new execs when the update commits`}`);
  }
  const components: ComponentRequest[] = chosen.map((a) => {
    const c = services.get(a.name)!;
    const filter = a.filter ?? forAll.filter;
    return { name: a.name, version: label, state: a.state ?? forAll.state ?? c.state, hold: a.hold ?? hold ?? c.hold,
      ...(filter === undefined ? {} : { filter }) };
  });
  return { version, request: { components, maxtime, likely, digest } };
}

/**
 * Why `pkg` cannot update `program` from `current`, the version the system runs: the
 * package was built for another base (undefined when it was built for this one).
 */
export function baseProblem(pkg: UpdatePackage, program: string, current: Version): string | undefined {
  const m = pkg.manifest;
  const c = m.components.find((x) => x.program === program);
  if (!c) return `the package does not change "${program}"`;
  const running = fingerprintIn(current, program);
  if (running === c.from) return undefined;
  return `built for another base version: ${program} here is ${running === undefined ? "absent" : short(running)} `
    + `(version "${current.label}"), the package updates ${short(c.from)} (base "${m.base.label}")`;
}

/** The package's programs no system process runs and that do not run its version yet. */
export function installablePrograms(system: RunningSystem, pkg: UpdatePackage): string[] {
  return pkg.manifest.components.filter((c) => !serviceRunning(system.kernel, c.program)
    && fingerprintIn(system.versionOf(c.program), c.program) !== c.to).map((c) => c.program);
}

/** Load every component's code and transformers, as the engine will: a failure is the package's, named here. */
function loadVersion(pkg: UpdatePackage, label: string, source: string): PackageVersion {
  const image = new PackageImage(pkg);
  const transformersOf = new Map<string, Transformers>();
  for (const c of pkg.manifest.components) {
    try {
      // A program built plain has no state to view: it is only ever started anew.
      if (isPlainCopy(c.entry)) loadRealm(image, c.program);
      else loadProgram(image, c.program);
    } catch (err) {
      throw new PackageError(`${source}: the new version of ${c.program} does not load: ${errorMessage(err)}`);
    }
    if (c.transformers !== null) {
      transformersOf.set(c.program, loadTransformers(pkg.parts.get(c.transformers)!, `${source}: transformers of ${c.program}`));
    }
  }
  return { label, image, transformersOf };
}

/**
 * A group of `pkg` that updating `chosen` (programs) to its version would split, if any:
 * the group's components exchange a changed message format, so those that run as
 * services and do not run the package's version yet go together or not at all.
 */
export function groupProblem(system: RunningSystem, pkg: UpdatePackage, chosen: ReadonlySet<string>): string | undefined {
  for (const group of pkg.manifest.groups) {
    const running = group.filter((p) => serviceRunning(system.kernel, p)
      && fingerprintIn(system.versionOf(p), p) !== pkg.manifest.components.find((c) => c.program === p)!.to);
    const left = running.filter((p) => !chosen.has(p));
    if (left.length > 0 && left.length < running.length) {
      return `${running.join(", ")} must be updated together (they share a changed module): name ${left.join(", ")} as well, or none of them`;
    }
  }
  return undefined;
}

function serviceRunning(kernel: Kernel, program: string) {
  return [...kernel.liveProcs()].find((p) => p.program === program && p.priv.system);
}

function fingerprintIn(v: Version, program: string): string | undefined {
  return v.image.program(program) === undefined ? undefined : v.image.fingerprint(program);
}

/** A fingerprint's short form, as people compare them. */
function short(fingerprint: string): string {
  return fingerprint.slice(0, 12);
}

function utf8(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new PackageError(`${source}: not a package (not UTF-8 text)`);
  }
}
