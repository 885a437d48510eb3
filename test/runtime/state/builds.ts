/**
 * Instrumented builds for the tests of runtime/filter, runtime/check and runtime/state:
 * the real OS (a cold build takes seconds: once per test file, in beforeAll) and the
 * fixture tree fixtures/checks, whose programs hold every kind of state.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { BuildImage } from "../../../instrumenter/build/image.js";
import type { System } from "../../../os/boot/system.js";
import { type ProcessView, viewOf } from "../../../runtime/process-view.js";
import { REPO } from "../../support/image.js";
import { buildTree as buildInto } from "../../support/versions.js";

export { REPO };
export const OS_ROOT = path.join(REPO, "os");
export const CHECKS_ROOT = path.join(REPO, "fixtures", "checks");

export interface TestBuild {
  image: BuildImage;
  /** Remove the build directory. */
  dispose(): void;
}

/** Build an OS tree into a fresh temporary directory; throws with the diagnostics if it fails. */
export function buildTree(osRoot: string): TestBuild {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-runtime-"));
  return { image: buildInto(osRoot, dir), dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The builds a test file of the runtime works on, made once for the file (beforeAll)
 * and removed after it: `os` the real OS, `checks` fixtures/checks.
 */
export function useBuilds(): { readonly os: BuildImage; readonly checks: BuildImage } {
  let os: TestBuild | undefined;
  let checks: TestBuild | undefined;
  beforeAll(() => {
    os = buildTree(OS_ROOT);
    checks = buildTree(CHECKS_ROOT);
  });
  afterAll(() => {
    os?.dispose();
    checks?.dispose();
  });
  return {
    get os() {
      return os!.image;
    },
    get checks() {
      return checks!.image;
    },
  };
}

/** The view of the process in `slot` of a running system booted from `image`. */
export function liveView(system: System, image: BuildImage, slot: number): ProcessView {
  const proc = system.kernel.procs[slot];
  if (!proc?.instance) throw new Error(`no process in slot ${slot}`);
  return viewOf(proc.name, proc.instance.realm, image.metadata(proc.name), image.program(proc.name)!);
}

/** Run a realm's code: a function built by the realm's own Function constructor, so what it creates belongs to the realm. */
export function inRealm<T>(view: ProcessView, params: string[], body: string, ...args: unknown[]): T {
  const fn = new view.intrinsics.Function(...params, body) as (...a: unknown[]) => T;
  return fn(...args);
}
