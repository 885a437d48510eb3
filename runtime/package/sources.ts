/**
 * The two sides of `proteos diff`: a version argument made into an instrumented build.
 *
 * - A directory is an OS source tree (with boot/programs.ts), as `os/` is.
 * - With `git`, the argument is a revision of the git repository holding the current
 *   directory (or `repo`); its OS tree, at `osPath` (default "os"), is exported with
 *   `git archive` into <cache>/trees/<commit>/<osPath>. A commit never changes, so the
 *   export is made once and reused.
 *
 * Each side is built with the instrumenter into a directory of its own that stays
 * between runs, <cache>/builds/<commit>/<osPath> or <cache>/builds/dir-<hash of the
 * directory's path>, so an unchanged program is not analysed again. Both sides are
 * type-checked too: the instrumenter reports only what it cannot describe, and a version
 * that does not compile must not become a package. A clean check is remembered next to
 * the build (the manifest's hash in <build>.typechecked), as the manifest holds the hash
 * of every source the programs use.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "../../os/boot/typescript.js";
import { createProgram, formatDiagnostic } from "../../instrumenter/analyze/index.js";
import { readProgramTable } from "../../instrumenter/analyze/program.js";
import { buildOs } from "../../instrumenter/build/build.js";
import { BuildImage } from "../../instrumenter/build/image.js";
import { MANIFEST_FILE, sha256 } from "../../instrumenter/build/manifest.js";
import { CompileError, formatTsDiagnostic, showPath } from "./compile-errors.js";
import type { PackageSide } from "./make.js";

export interface SourceOptions {
  /** The version arguments are git revisions, not directories. */
  git?: boolean;
  /** With `git`: a directory in the repository (default: the current directory). */
  repo?: string;
  /** With `git`: the OS tree's path in the repository (default "os"). */
  osPath?: string;
  /** Where exported trees and builds are kept between runs (default: this project's .cache). */
  cacheDir?: string;
}

/** A built version: its build, and the tree it was built from. */
export interface PreparedSide extends PackageSide {
  /** Absolute path of the OS tree. */
  root: string;
  /** How the user names the tree, to show files in it: "fixtures/v2", "HEAD~1:os". */
  shownRoot: string;
}

/** A version argument that names no OS tree: no such directory, no such revision. Bad input. */
export class BadVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadVersionError";
  }
}

/** The repository of proteos itself: its .cache is gitignored. */
const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DEFAULT_CACHE_DIR = path.join(PROJECT_ROOT, ".cache");

/** Where a version's tree is, and where its build goes (relative to <cache>/builds). */
interface Tree {
  label: string;
  root: string;
  shownRoot: string;
  buildKey: string;
}

/** Make `spec` (a directory, or with `git` a revision) into a built side; throws BadVersionError or CompileError. */
export function prepareSide(spec: string, opts: SourceOptions = {}): PreparedSide {
  const cache = path.resolve(opts.cacheDir ?? DEFAULT_CACHE_DIR);
  const tree = opts.git ? revisionTree(spec, opts, cache) : directoryTree(spec);
  const build = buildTree(tree, path.join(cache, "builds", tree.buildKey));
  return { label: tree.label, build, root: tree.root, shownRoot: tree.shownRoot };
}

function directoryTree(spec: string): Tree {
  const root = path.resolve(spec);
  const shown = path.normalize(spec).replace(/(.)\/+$/, "$1");
  if (!fs.existsSync(path.join(root, "boot", "programs.ts"))) {
    throw new BadVersionError(`no OS tree at '${spec}' (expected ${path.join(shown, "boot", "programs.ts")})`);
  }
  return { label: shown, root, shownRoot: shown, buildKey: `dir-${sha256(root).slice(0, 16)}` };
}

function revisionTree(rev: string, opts: SourceOptions, cache: string): Tree {
  const dir = path.resolve(opts.repo ?? ".");
  if (!fs.existsSync(dir)) throw new BadVersionError(`no such directory '${opts.repo}'`);
  const top = git(dir, ["rev-parse", "--show-toplevel"], `'${dir}' is not in a git repository`).trim();
  const commit = git(top, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], `'${rev}' is not a revision of ${top}`).trim();
  const osPath = path.posix.normalize(opts.osPath ?? "os").replace(/\/+$/, "");
  if (path.posix.isAbsolute(osPath) || osPath === ".." || osPath.startsWith("../")) {
    throw new BadVersionError(`--os-path must be a path inside the repository, got '${opts.osPath}'`);
  }
  git(top, ["cat-file", "-e", `${commit}:${osPath === "." ? "" : `${osPath}/`}boot/programs.ts`],
    `${rev} has no OS tree at '${osPath}' (no ${path.posix.join(osPath, "boot/programs.ts")}; see --os-path)`);
  const root = path.join(cache, "trees", commit, osPath);
  if (!fs.existsSync(path.join(root, "boot", "programs.ts"))) exportTree(top, commit, osPath, root);
  return {
    label: rev === commit ? commit.slice(0, 12) : `${rev}@${commit.slice(0, 12)}`,
    root, shownRoot: `${rev}:${osPath}`, buildKey: path.join(commit, osPath),
  };
}

/** `git archive` of `osPath` at `commit` into `root`, made whole in a scratch directory and renamed into place. */
function exportTree(top: string, commit: string, osPath: string, root: string): void {
  fs.mkdirSync(path.dirname(root), { recursive: true });
  const scratch = fs.mkdtempSync(`${root}.export-`);
  try {
    const archive = spawnSync("git", ["-C", top, "archive", "--format=tar", commit, "--", osPath], { maxBuffer: 1 << 30 });
    if (archive.status !== 0) throw new BadVersionError(`git archive ${commit} ${osPath} failed: ${spawnProblem(archive)}`);
    const untar = spawnSync("tar", ["-x", "-C", scratch], { input: archive.stdout });
    if (untar.status !== 0) throw new BadVersionError(`tar could not unpack ${osPath} of ${commit}: ${spawnProblem(untar)}`);
    fs.rmSync(root, { recursive: true, force: true });
    fs.renameSync(path.join(scratch, osPath), root);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Why a command failed: it could not be run, or what it said. */
function spawnProblem(r: SpawnSyncReturns<Buffer>): string {
  return r.error ? r.error.message : r.stderr.toString().trim() || `exit status ${r.status}`;
}

/** stdout of git in `dir`; a failure is bad input, explained by `problem`. */
function git(dir: string, args: string[], problem: string): string {
  const r = spawnSync("git", ["-C", dir, ...args], { encoding: "utf8" });
  if (r.error) throw new BadVersionError(`cannot run git: ${r.error.message}`);
  if (r.status !== 0) throw new BadVersionError(problem);
  return r.stdout;
}

function buildTree(tree: Tree, outDir: string): BuildImage {
  const report = buildOs(tree.root, outDir);
  if (!report.ok) {
    // The compiler's errors often explain the instrumenter's ("a type that does not resolve"): both, compiler first.
    const instrumenter = report.diagnostics.map((d) => formatDiagnostic({ ...d, file: showPath(path.join(tree.root, d.file), tree.root, tree.shownRoot) }));
    throw new CompileError(`${tree.label} does not build`, [...compilerErrors(tree), ...instrumenter]);
  }
  const marker = `${outDir}.typechecked`;
  const manifestHash = sha256(fs.readFileSync(path.join(outDir, MANIFEST_FILE)));
  if (!fs.existsSync(marker) || fs.readFileSync(marker, "utf8") !== manifestHash) {
    const errors = compilerErrors(tree);
    if (errors.length > 0) throw new CompileError(`${tree.label} does not compile`, errors);
    fs.writeFileSync(marker, manifestHash);
  }
  return new BuildImage(outDir);
}

/** TypeScript's errors in the tree's programs, compiled as the instrumenter compiles them. */
function compilerErrors(tree: Tree): string[] {
  const entries = Object.values(readProgramTable(tree.root)).map((entry) => path.join(tree.root, entry));
  return ts.getPreEmitDiagnostics(createProgram(entries))
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => formatTsDiagnostic(d, tree.root, tree.shownRoot));
}
