/**
 * The instrumented build as the kernel's image: programs, modules and source maps read
 * from a build directory written by `buildOs`. The whole build is checked when the image
 * is opened (manifest schema, then the content hash of every file it names), so a
 * corrupt or modified build is refused before any of it runs.
 */
import * as path from "node:path";
import type { ImageSource, ModuleCode } from "../../os/kernel/image.js";
import { relativeModulePath } from "../../os/boot/plain-image.js";
import { type Metadata, parseMetadata } from "../metadata/schema.js";
import { mapStack } from "../transform/index.js";
import {
  CorruptBuildError, type Manifest, type ModuleOutput, mapFile, metadataFile, moduleFile, programFingerprint, readChecked,
  readManifest, RUNTIME_MODULE,
} from "./manifest.js";

export class BuildImage implements ImageSource {
  readonly kind = "instrumented";
  readonly manifest: Manifest;
  private modules = new Map<string, ModuleCode>();
  /** Source maps by the file name stack frames show (a module's original .ts path). */
  private maps = new Map<string, string>();

  /** Throws CorruptBuildError naming the file if the build is missing, invalid or modified. */
  constructor(readonly outDir: string) {
    this.outDir = path.resolve(outDir);
    this.manifest = readManifest(this.outDir);
    this.add(RUNTIME_MODULE, this.manifest.runtime, RUNTIME_MODULE);
    for (const [modulePath, output] of Object.entries(this.manifest.modules)) {
      this.add(modulePath, output, path.join(this.manifest.osRoot, modulePath));
    }
    // Checked now, read again when asked for: metadata is for live update, not for running.
    for (const [name, p] of Object.entries(this.manifest.programs)) this.checked(metadataFile(name), p.metadataHash);
  }

  private checked(rel: string, hash: string): string {
    const r = readChecked(this.outDir, rel, hash);
    if ("problem" in r) throw new CorruptBuildError(path.join(this.outDir, rel), r.problem);
    return r.text;
  }

  /** A module's code, run under the name of its original source so that stack frames name it. */
  private add(modulePath: string, output: ModuleOutput, filename: string): void {
    this.modules.set(modulePath, { path: modulePath, code: this.checked(moduleFile(modulePath), output.codeHash), filename });
    this.maps.set(filename, this.checked(mapFile(modulePath), output.mapHash));
  }

  program(name: string): string | undefined {
    return Object.hasOwn(this.manifest.programs, name) ? this.manifest.programs[name]!.entry : undefined;
  }

  programs(): string[] {
    return Object.keys(this.manifest.programs);
  }

  resolve(from: string, spec: string): string | undefined {
    if (spec === RUNTIME_MODULE) return RUNTIME_MODULE;
    const target = relativeModulePath(from, spec);
    return target !== undefined && this.modules.has(target) ? target : undefined;
  }

  load(modulePath: string): ModuleCode {
    const mod = this.modules.get(modulePath);
    if (!mod) throw new Error(`module "${modulePath}" is not part of the build in ${this.outDir}`);
    return mod;
  }

  mapStack(stack: string): string {
    return mapStack(stack, (file) => this.maps.get(file));
  }

  /** The state metadata of a program, checked against the manifest and validated. */
  metadata(program: string): Metadata {
    const p = Object.hasOwn(this.manifest.programs, program) ? this.manifest.programs[program] : undefined;
    if (!p) throw new Error(`no program "${program}" in the build in ${this.outDir}`);
    return parseMetadata(this.checked(metadataFile(program), p.metadataHash));
  }

  /** The identity of a program's version (see `programFingerprint`). */
  fingerprint(program: string): string {
    const p = Object.hasOwn(this.manifest.programs, program) ? this.manifest.programs[program] : undefined;
    if (!p) throw new Error(`no program "${program}" in the build in ${this.outDir}`);
    return programFingerprint({ modules: p.modules, codeHash: (m) => this.manifest.modules[m]!.codeHash,
      runtimeCodeHash: this.manifest.runtime.codeHash, metadataHash: p.metadataHash });
  }
}
