/**
 * Identity transfer of every server and driver of the real OS: its program loaded twice
 * from one instrumented build, the first realm's state transferred into the second, and
 * the two states compared object by object.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { BuildImage } from "../../../instrumenter/build/image.js";
import { loadProgram } from "../../../runtime/load.js";
import { planTransfer, transferState } from "../../../runtime/transfer/index.js";
import { builder, differences, snapshot, stateOf, variable } from "./support.js";

const builds = builder("proteos-transfer-os-");
let image: BuildImage;

beforeAll(() => {
  image = builds.build("os");
}, 120_000);
afterAll(() => builds.cleanup());

it.each(["pm", "vfs", "mfs", "ds", "rs", "blk", "tty"])("%s: the transferred state equals the old one, which is untouched", (program) => {
  const from = loadProgram(image, program);
  const to = loadProgram(image, program);
  const plan = planTransfer(from.metadata, to.metadata);
  expect(plan.changes).toEqual([]);
  const before = snapshot(stateOf(from));
  const result = transferState(from, to, plan);
  expect(snapshot(stateOf(from))).toEqual(before);
  const transferred = new Set(result.variables.transferred);
  const roots = stateOf(from).filter(([name]) => transferred.has(name)).map(([name, old]) => [name, old, variable(to, name)] as [string, unknown, unknown]);
  expect(roots.length).toBeGreaterThan(0);
  expect(differences(from, to, roots)).toEqual([]);
  expect(result.typesTransformed).toEqual([]);
});
