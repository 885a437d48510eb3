/**
 * A decoded package as an image the kernel can load programs from: the new version of
 * each component, with its metadata for state transfer. Only the package's programs
 * are in it; their modules resolve as in a build (relative specifiers inside the tree,
 * plus "proteos:rt").
 */
import { relativeModulePath } from "../../os/boot/plain-image.js";
import type { ModuleCode } from "../../os/kernel/image.js";
import { type Metadata, parseMetadata } from "../../instrumenter/metadata/schema.js";
import { RUNTIME_MODULE } from "../../instrumenter/build/manifest.js";
import { mapStack } from "../../instrumenter/transform/index.js";
import type { VersionedImage } from "../update/versions.js";
import type { PackageComponent, UpdatePackage } from "./format.js";

export class PackageImage implements VersionedImage {
  readonly kind = "package";
  private readonly components: ReadonlyMap<string, PackageComponent>;
  /** Source maps by the file name stack frames show. */
  private readonly maps = new Map<string, string>();

  constructor(readonly pkg: UpdatePackage) {
    this.components = new Map(pkg.manifest.components.map((c) => [c.program, c]));
    for (const [mod, files] of Object.entries(pkg.manifest.modules)) this.maps.set(this.filename(mod), this.part(files.map));
  }

  /** Stack frames name modules under the version they came from: "<target label>/servers/pm/main.ts". */
  private filename(modulePath: string): string {
    return modulePath === RUNTIME_MODULE ? RUNTIME_MODULE : `${this.pkg.manifest.target.label}/${modulePath}`;
  }

  private part(name: string): string {
    const text = this.pkg.parts.get(name);
    if (text === undefined) throw new Error(`package has no part "${name}"`);
    return text;
  }

  private component(program: string): PackageComponent {
    const c = this.components.get(program);
    if (!c) throw new Error(`the package has no program "${program}"`);
    return c;
  }

  program(name: string): string | undefined {
    return this.components.get(name)?.entry;
  }

  programs(): string[] {
    return [...this.components.keys()];
  }

  resolve(from: string, spec: string): string | undefined {
    if (spec === RUNTIME_MODULE) return RUNTIME_MODULE;
    const target = relativeModulePath(from, spec);
    return target !== undefined && Object.hasOwn(this.pkg.manifest.modules, target) ? target : undefined;
  }

  load(modulePath: string): ModuleCode {
    const files = Object.hasOwn(this.pkg.manifest.modules, modulePath) ? this.pkg.manifest.modules[modulePath] : undefined;
    if (!files) throw new Error(`module "${modulePath}" is not part of the package`);
    return { path: modulePath, code: this.part(files.code), filename: this.filename(modulePath) };
  }

  mapStack(stack: string): string {
    return mapStack(stack, (file) => this.maps.get(file));
  }

  metadata(program: string): Metadata {
    return parseMetadata(this.part(this.component(program).metadata));
  }

  /** The component's `to` (decoding checked it is the fingerprint of its parts). */
  fingerprint(program: string): string {
    return this.component(program).to;
  }
}
