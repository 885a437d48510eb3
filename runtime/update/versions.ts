/**
 * The versions an updater knows: the build the system booted from, and new versions
 * staged for updates (an instrumented build, with the hand-written transformers and
 * learned invariants that go with it).
 */
import type { Metadata } from "../../instrumenter/metadata/schema.js";
import type { ImageSource } from "../../os/kernel/image.js";
import type { LikelyProfile } from "../check/profile.js";
import type { Transformers } from "../transfer/transformers.js";

/** An image that can say what the state of its programs is: an instrumented build. */
export interface VersionedImage extends ImageSource {
  metadata(program: string): Metadata;
  /** The identity of a program's version: its code and state layout (instrumenter/build/manifest.ts). */
  fingerprint(program: string): string;
}

export function isVersioned(image: ImageSource): image is VersionedImage {
  return typeof (image as Partial<VersionedImage>).metadata === "function";
}

export interface Version {
  label: string;
  image: VersionedImage;
  /** Transformers for the changes the transfer cannot make by itself (from the previous version). */
  transformers?: Transformers;
  /** Likely invariants of its programs' state, learned by profiling (by program name). */
  invariants?: Record<string, LikelyProfile>;
}

/** The label of the version a system booted from. */
export const BOOT_VERSION = "boot";
