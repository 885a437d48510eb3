/** Option and argument helpers shared by the subcommands: their problems are bad input (UsageError). */
import type * as crypto from "node:crypto";
import * as fs from "node:fs";
import { PackageError } from "../runtime/package/format.js";
import { readKeyFile } from "../runtime/package/sign.js";
import { UsageError } from "./errors.js";

/** A repeatable option's values. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** An ed25519 key file (proteos keygen); one that cannot be read is bad input. */
export function keyOption(file: string, kind: "private" | "public"): crypto.KeyObject {
  try {
    return readKeyFile(file, kind);
  } catch (err) {
    if (err instanceof PackageError) throw new UsageError(err.message);
    throw err;
  }
}

/** The keys of repeated `--trust KEY.pub` options; null when none was given (no signature required). */
export function trustOption(files: readonly string[]): crypto.KeyObject[] | null {
  return files.length === 0 ? null : files.map((f) => keyOption(f, "public"));
}

/** The text of an update package file; one that cannot be read is bad input (`option`: the option that named it). */
export function readPackageFile(file: string, option?: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`${option === undefined ? "" : `${option}: `}cannot read package '${file}': ${(err as Error).message}`);
  }
}
