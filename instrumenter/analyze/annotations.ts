/**
 * The annotation vocabulary: JSDoc tags on a module-level variable (its statement)
 * or on a field (property, parameter property, property signature).
 *
 *   @rename <oldName>  it was called oldName in the previous version
 *   @transient         not transferred: the new version's initializer sets it
 *   @opaque            transferred as it is, never transformed by type
 *
 * Other JSDoc tags are ignored. @transient and @opaque exclude each other.
 */
import ts from "../../os/boot/typescript.js";
import type { Annotations } from "../metadata/schema.js";
import { type Diagnostic, diagnosticAt } from "./diagnostics.js";

export const NO_ANNOTATIONS: Annotations = { renamedFrom: null, transient: false, opaque: false };

const VOCABULARY = ["rename", "transient", "opaque"] as const;
type Tag = (typeof VOCABULARY)[number];

/** A plain identifier, or a #private name for a field. */
const OLD_NAME = /^#?[A-Za-z_$][\w$]*$/;

export interface ReadAnnotations {
  annotations: Annotations;
  diagnostics: Diagnostic[];
}

/**
 * The annotations of `host` (a declaration, or the statement carrying the JSDoc) about
 * `subject` (e.g. "variable `procs`"). `bindsSeveral`: the host declares several names
 * at once (a destructuring, `let a, b`), so a @rename would be ambiguous.
 */
export function readAnnotations(osRoot: string, host: ts.Node, subject: string, bindsSeveral = false): ReadAnnotations {
  const annotations = { ...NO_ANNOTATIONS };
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<Tag, ts.JSDocTag>();
  const bad = (tag: ts.Node, message: string, hint: string) =>
    diagnostics.push(diagnosticAt(osRoot, tag, "bad-annotation", `${subject}: ${message}`, hint));
  for (const tag of ts.getJSDocTags(host)) {
    const name = VOCABULARY.find((t) => t === tag.tagName.text);
    if (!name) continue;
    if (seen.has(name)) bad(tag, `@${name} is given twice`, "keep one");
    seen.set(name, tag);
    const argument = (ts.getTextOfJSDocComment(tag.comment) ?? "").trim();
    if (name === "rename") {
      if (!OLD_NAME.test(argument)) bad(tag, `@rename needs the previous name, got "${argument}"`, "write `@rename oldName`");
      else if (bindsSeveral) bad(tag, "@rename on a declaration of several names is ambiguous", "declare the renamed variable on its own");
      else annotations.renamedFrom = argument;
    } else {
      annotations[name] = true;
      if (argument) bad(tag, `@${name} takes no argument, got "${argument}"`, `write \`@${name}\` alone`);
    }
  }
  const transient = seen.get("transient");
  const opaque = seen.get("opaque");
  if (transient && opaque) {
    bad(transient.pos > opaque.pos ? transient : opaque, "@transient and @opaque contradict each other",
      "@transient: the new version re-initialises it; @opaque: it is copied as it is. Keep one");
  }
  return { annotations, diagnostics };
}
