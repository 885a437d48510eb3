/**
 * An image over instrumentOs output held in memory (the build writes it to disk and
 * loads it with instrumenter/build/image.ts): what the transform tests boot.
 */
import * as path from "node:path";
import type { ImageSource, ModuleCode } from "../../../os/kernel/image.js";
import { relativeModulePath } from "../../../os/boot/plain-image.js";
import { type InstrumentResult, mapStack } from "../../../instrumenter/transform/index.js";

export class MemoryImage implements ImageSource {
  readonly kind = "instrumented";
  private modules = new Map<string, ModuleCode>();
  /** Source maps by the file name stack frames show. */
  private maps = new Map<string, string>();

  /** `root`: the OS tree that was instrumented; modules run under their .ts file names. */
  constructor(private result: InstrumentResult, root: string) {
    for (const mod of [result.runtime, ...result.modules.values()]) {
      const filename = mod === result.runtime ? mod.path : path.join(root, mod.path);
      this.modules.set(mod.path, { path: mod.path, code: mod.code, filename });
      this.maps.set(filename, mod.map);
    }
  }

  program(name: string): string | undefined {
    return this.result.programs.get(name)?.entry;
  }

  programs(): string[] {
    return [...this.result.programs.keys()];
  }

  resolve(from: string, spec: string): string | undefined {
    if (spec === this.result.runtime.path) return spec;
    const target = relativeModulePath(from, spec);
    return target !== undefined && this.modules.has(target) ? target : undefined;
  }

  load(modulePath: string): ModuleCode {
    const mod = this.modules.get(modulePath);
    if (!mod) throw new Error(`no module "${modulePath}" in the instrumented image`);
    return mod;
  }

  mapStack(stack: string): string {
    return mapStack(stack, (file) => this.maps.get(file));
  }
}
