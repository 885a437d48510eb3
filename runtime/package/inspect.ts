/**
 * What a package will do, for people (`proteos inspect`, and `proteos diff` after making
 * one) and for machines (`--json`: the PackageReport below, documented in README.md).
 */
import type * as crypto from "node:crypto";
import type { PlannedChange } from "../transfer/changes.js";
import type { InterfaceFilter } from "../update/request.js";
import { PACKAGE_FORMAT_VERSION, type PackageComponent, type PackageManifest, type UpdatePackage } from "./format.js";
import { isTrusted, keyFingerprint, signerKey } from "./sign.js";

/** How a change is made when the package is applied. */
export type ChangeMeans = "automatic" | "transformer" | "uncovered";

export interface PackageReport {
  formatVersion: number;
  /** sha256 of the canonical manifest: names the package. */
  digest: string;
  /** Size of the package file. */
  bytes: number;
  instrumenterVersion: string;
  base: PackageManifest["base"];
  target: PackageManifest["target"];
  signature: {
    signed: boolean;
    /** keyFingerprint of the signer's public key. */
    keyFingerprint: string | null;
    /** Whether the signer is one of the trusted keys; null when none were given. */
    trusted: boolean | null;
  };
  components: Array<Omit<PackageComponent, "changes"> & {
    changes: Array<PlannedChange & { means: ChangeMeans }>;
  }>;
  groups: string[][];
  /** Programs of the target only, and of the base only: not part of the update (see README.md). */
  added: string[];
  removed: string[];
  /** Changes no transformer covers (the package was made with --allow-incomplete). */
  incomplete: PackageManifest["incomplete"];
}

/**
 * The report of a decoded package of `bytes` bytes. Its signature, if any, is checked
 * (a bad one throws PackageError); `trusted` (null: none given) decides `trusted`.
 */
export function packageReport(pkg: UpdatePackage, bytes: number, trusted: readonly crypto.KeyObject[] | null = null): PackageReport {
  const m = pkg.manifest;
  const key = signerKey(pkg);
  return {
    formatVersion: PACKAGE_FORMAT_VERSION, digest: pkg.digest, bytes, instrumenterVersion: m.instrumenterVersion,
    base: m.base, target: m.target,
    signature: {
      signed: key !== null,
      keyFingerprint: key === null ? null : keyFingerprint(key),
      trusted: trusted === null ? null : key !== null && isTrusted(key, trusted),
    },
    components: m.components.map(({ changes, ...c }) => ({
      ...c,
      changes: changes.map((change) => ({
        ...change,
        means: change.coveredBy !== null ? "transformer" : change.verdict === "auto" ? "automatic" : "uncovered",
      })),
    })),
    groups: m.groups, added: m.added, removed: m.removed, incomplete: m.incomplete,
  };
}

/** The report as text: one block per component, field by field. */
export function formatPackageReport(r: PackageReport): string {
  const short = (hash: string) => hash.slice(0, 12);
  const out = [
    `update package ${short(r.digest)}  (${r.bytes} bytes, format ${r.formatVersion})`,
    `  base       ${r.base.label}  (fingerprint ${short(r.base.fingerprint)})`,
    `  target     ${r.target.label}  (fingerprint ${short(r.target.fingerprint)})`,
    `  signature  ${signatureLine(r.signature)}`,
    "",
    r.components.length === 0 ? "no component changed" : `${r.components.length} component${r.components.length === 1 ? "" : "s"}: ${r.components.map((c) => c.program).join(", ")}`,
    ...r.groups.map((g) => `update together (a module they share changed): ${g.join(" + ")}`),
    ...(r.added.length === 0 ? [] : [`added (not in the package: only a boot of the target runs them): ${r.added.join(", ")}`]),
    ...(r.removed.length === 0 ? [] : [`removed (not in the package: a running system keeps them until it boots the target): ${r.removed.join(", ")}`]),
  ];
  const label = (name: string) => `  ${name.padEnd(13)} `;
  for (const c of r.components) {
    out.push("", `${c.program}  ${short(c.from)} → ${short(c.to)}`,
      `${label("state")}${c.state}; hold ${c.hold.length === 0 ? "nothing" : c.hold.map(filterText).join("; ")}`,
      ...wrap(label(`modules (${c.modules.length})`), c.modules),
      `${label("transformers")}${c.transformers === null ? "none" : `update/${c.program}.ts (part ${c.transformers})`}`);
    for (const [i, v] of c.variables.entries()) {
      const note = v.action === "renamed" ? ` (was ${v.oldName})` : v.action === "new" ? " (initialized by the new version)"
        : v.action === "transient" ? " (@transient: initialized by the new version)" : " (its value is dropped)";
      out.push(`${label(i === 0 ? "variables" : "")}${v.action.padEnd(9)} ${v.name}${note}`);
    }
    if (c.changes.length === 0) out.push(`${label("changes")}none in the state (code only)`);
    for (const [i, ch] of c.changes.entries()) {
      const means = ch.means === "automatic" ? "automatic"
        : ch.means === "transformer" ? `by transformer ${ch.coveredBy}`
          : `UNCOVERED: needs ${ch.fix}`;
      out.push(`${label(i === 0 ? "changes" : "")}${ch.location}: ${ch.kind} (${ch.verdict}): ${ch.detail}`, `${label("")}  → ${means}`);
    }
  }
  if (r.incomplete.length > 0) {
    out.push("", `INCOMPLETE: made with --allow-incomplete; ${r.incomplete.length} change${r.incomplete.length === 1 ? "" : "s"} no transformer covers `
      + `(an update of ${[...new Set(r.incomplete.map((i) => i.program))].join(", ")} will be refused):`,
    ...r.incomplete.map((i) => `  ${i.program}: ${i.change.location}: ${i.change.detail} (${i.change.kind}); needs ${i.change.fix}`));
  }
  return out.join("\n") + "\n";
}

function signatureLine(s: PackageReport["signature"]): string {
  if (!s.signed) return s.trusted === null ? "none" : "none: NOT TRUSTED (a trusted signature was required)";
  const trust = s.trusted === null ? "not checked against a trusted key (--trust KEY.pub)" : s.trusted ? "trusted" : "NOT TRUSTED";
  return `ed25519, key ${s.keyFingerprint}: ${trust}`;
}

function filterText(f: InterfaceFilter): string {
  return [f.from !== undefined ? `from ${f.from}` : "", f.type !== undefined ? `of type ${f.type}` : ""].filter((x) => x !== "").join(" ");
}

/** `head` then the items, space separated, lines wrapped at 100 columns under the first item. */
function wrap(head: string, items: readonly string[]): string[] {
  const lines = [head];
  for (const item of items) {
    const last = lines[lines.length - 1]!;
    if (last === head) lines[lines.length - 1] = `${head}${item}`;
    else if (last.length + 1 + item.length > 100) lines.push(`${" ".repeat(head.length)}${item}`);
    else lines[lines.length - 1] = `${last} ${item}`;
  }
  return lines;
}
