/**
 * `proteos diff`: from two versions of the OS (directories or git revisions) to an update
 * package. Builds both (sources.ts), compiles the new tree's transformers against both
 * trees' types (compile-transformers.ts), then makes the package (make.ts).
 *
 * Throws BadVersionError for an argument that names no tree (bad input), CompileError
 * for a version or transformer that does not compile, IncompletePackageError for changes
 * no transformer covers, PackageError for any other refusal.
 */
import type * as crypto from "node:crypto";
import { compileTransformers } from "./compile-transformers.js";
import type { UpdatePackage } from "./format.js";
import { makePackage } from "./make.js";
import { prepareSide, type SourceOptions } from "./sources.js";

export interface DiffOptions extends SourceOptions {
  /** Record changes no transformer covers in the package instead of refusing. */
  allowIncomplete?: boolean;
  signingKey?: crypto.KeyObject;
}

export function diffVersions(oldSpec: string, newSpec: string, opts: DiffOptions = {}): { text: string; pkg: UpdatePackage } {
  const base = prepareSide(oldSpec, opts);
  const target = prepareSide(newSpec, opts);
  const transformers = compileTransformers({ root: target.root, shownRoot: target.shownRoot, oldRoot: base.root });
  return makePackage(base, target, { transformers, allowIncomplete: opts.allowIncomplete, signingKey: opts.signingKey });
}
