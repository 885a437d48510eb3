import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { CompileError } from "../../runtime/package/compile-errors.js";
import { diffVersions } from "../../runtime/package/diff.js";
import { PackageError } from "../../runtime/package/format.js";
import { formatPackageReport, packageReport } from "../../runtime/package/inspect.js";
import { changePlace, IncompletePackageError } from "../../runtime/package/make.js";
import { BadVersionError, DEFAULT_CACHE_DIR } from "../../runtime/package/sources.js";
import { EXIT, UsageError } from "../errors.js";
import { keyOption } from "../options.js";

interface DiffCliOptions {
  out: string; git?: boolean; repo?: string; osPath: string; allowIncomplete?: boolean; sign?: string; cacheDir: string; json?: boolean;
}

export function diffCommand(): Command {
  return new Command("diff")
    .description("make an update package from two versions of the OS: what changed, and how each change is made")
    .argument("<old>", "the version to update from: an OS tree (with boot/programs.ts), or with --git a revision")
    .argument("<new>", "the version to update to; its transformers are in <new>/update/<program>.ts")
    .requiredOption("-o, --out <package>", "the package file to write")
    .option("--git", "<old> and <new> are revisions of the git repository (see --repo, --os-path)")
    .option("--repo <dir>", "with --git: a directory in the repository (default: the current directory)")
    .option("--os-path <path>", "with --git: where the OS tree is in the repository", "os")
    .option("--allow-incomplete", "make the package even when changes need transformers that are not given (it records them)")
    .option("--sign <key.pem>", "sign the package with this ed25519 private key (see proteos keygen)")
    .option("--cache-dir <dir>", "where exported trees and builds are kept between runs", DEFAULT_CACHE_DIR)
    .option("--json", "print one JSON object on stdout")
    .action((oldSpec: string, newSpec: string, o: DiffCliOptions) => {
      const signingKey = o.sign === undefined ? undefined : keyOption(o.sign, "private");
      const outDir = path.dirname(path.resolve(o.out));
      if (!fs.existsSync(outDir)) throw new UsageError(`cannot write '${o.out}': no directory ${outDir}`);
      let made: ReturnType<typeof diffVersions>;
      try {
        made = diffVersions(oldSpec, newSpec, {
          git: o.git, repo: o.repo, osPath: o.osPath, cacheDir: o.cacheDir, allowIncomplete: o.allowIncomplete, signingKey,
        });
      } catch (err) {
        if (err instanceof BadVersionError) throw new UsageError(err.message);
        if (!(err instanceof PackageError)) throw err;
        process.stderr.write(`proteos: diff refused: ${err.message}\n`);
        if (o.json) process.stdout.write(JSON.stringify(refusal(err)) + "\n");
        process.exitCode = EXIT.FAILED;
        return;
      }
      // Written whole or not at all: a reader never sees half a package.
      const scratch = `${o.out}.tmp-${process.pid}`;
      try {
        fs.writeFileSync(scratch, made.text);
        fs.renameSync(scratch, o.out);
      } catch (err) {
        fs.rmSync(scratch, { force: true });
        throw new UsageError(`cannot write '${o.out}': ${(err as Error).message}`);
      }
      const report = packageReport(made.pkg, Buffer.byteLength(made.text));
      if (o.json) process.stdout.write(JSON.stringify({ ok: true, file: o.out, ...report }) + "\n");
      else process.stdout.write(`${formatPackageReport(report)}\nwrote ${o.out}\n`);
    });
}

/** The --json object of a refused diff: why, with every compiler error or uncovered change. */
function refusal(err: PackageError) {
  if (err instanceof IncompletePackageError) {
    return {
      ok: false, refused: "incomplete", message: err.message,
      uncovered: err.uncovered.map(({ program, change }) => ({ program, ...changePlace(change), ...change })),
    };
  }
  if (err instanceof CompileError) return { ok: false, refused: "compile", message: err.message, errors: err.errors };
  return { ok: false, refused: "package", message: err.message };
}
