/**
 * mapStack: frames of generated code back to original positions, checked against the
 * source-map package's (asynchronous) consumer on every mapping of real modules.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { SourceMapConsumer } from "source-map";
import { describe, expect, it } from "vitest";
import { instrumentSource, mapStack } from "../../../instrumenter/transform/index.js";
import { OS_ROOT } from "../../../os/boot/plain-image.js";

describe("mapStack", () => {
  it("maps every mapped position as source-map's consumer does", async () => {
    for (const m of ["servers/vfs/main.ts", "servers/mfs/bmap.ts"]) {
      const file = path.join(OS_ROOT, m);
      const { map } = instrumentSource(file, fs.readFileSync(file, "utf8"), OS_ROOT);
      const consumer = await new SourceMapConsumer(JSON.parse(map));
      let checked = 0;
      consumer.eachMapping((e) => {
        if (e.originalLine === null) return;
        const frame = `    at f (${file}:${e.generatedLine}:${e.generatedColumn + 1})`;
        expect(mapStack(frame, (f) => (f === file ? map : undefined))).toBe(`    at f (${file}:${e.originalLine}:${e.originalColumn + 1})`);
        checked++;
      });
      consumer.destroy();
      expect(checked).toBeGreaterThan(100);
    }
  });

  it("leaves frames of files without a map, and text that is no frame, as they are", () => {
    const stack = "Error: at 1:2:3\n    at g (/x/other.ts:4:5)\n    at proteos:rt:9:1";
    expect(mapStack(stack, () => undefined)).toBe(stack);
    expect(mapStack(stack, () => "not json")).toBe(stack);
  });
});
