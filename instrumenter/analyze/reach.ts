/**
 * Which parts of the type table are transferred state, and the problems found there.
 *
 * Starting from the module-level variables, a worklist of *sites* (a variable, or a
 * field of an object or class type) follows each site's type through its structure
 * (unions, arrays, maps, aliases…) to the object and class types it holds, whose
 * fields become sites in turn. @transient sites are not followed (they are not
 * transferred); @opaque sites are, but untyped values below them are legal.
 * A problem with its own declaration is reported there once; any other problem is
 * reported at every site whose type reaches it, naming that variable or field.
 */
import type ts from "typescript";
import { type Annotations, type TypeDescriptor, type TypeId, typeRefsOf } from "../metadata/schema.js";
import { type Diagnostic, diagnosticAt } from "./diagnostics.js";
import type { TypeProblem, TypeTable } from "./types.js";

export interface StateRoot {
  /** "module#name" */
  qualifiedName: string;
  nameNode: ts.Node;
  type: TypeId;
  annotations: Annotations;
}

interface Site {
  kind: "variable" | "field";
  /** "main.ts#cache", "Cache.refs"; a field of an object literal type is named after its site: "main.ts#alarm.armedAt". */
  name: string;
  node: ts.Node;
  type: TypeId;
  opaque: boolean;
  /** The variable it was reached from. */
  root: string;
}

function fieldName(owner: TypeDescriptor, site: Site, field: string): string {
  const ownerName = (owner.kind === "class" || owner.kind === "object") && owner.name ? owner.name : site.name;
  return `${ownerName}.${field}`;
}

export function reportUndescribableState(osRoot: string, roots: readonly StateRoot[], table: TypeTable): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const reportedOwn = new Set<TypeProblem>();
  const visitedFields = new Set<string>();
  const sites: Site[] = roots.filter((r) => !r.annotations.transient).map((r): Site => ({
    kind: "variable", name: r.qualifiedName, node: r.nameNode, type: r.type, opaque: r.annotations.opaque, root: r.qualifiedName,
  })).reverse();

  const report = (problem: TypeProblem, site: Site) => {
    if (problem.waivedBy.includes("opaque") && site.opaque) return;
    if (problem.node) {
      if (reportedOwn.has(problem)) return;
      reportedOwn.add(problem);
      diagnostics.push(diagnosticAt(osRoot, problem.node, problem.code, `${problem.detail} (in state reached from \`${site.root}\`)`, problem.hint));
    } else {
      const from = site.kind === "field" ? ` (reached from \`${site.root}\`)` : "";
      diagnostics.push(diagnosticAt(osRoot, site.node, problem.code, `${site.kind} \`${site.name}\`${from} ${problem.detail}`, problem.hint));
    }
  };

  for (let site = sites.pop(); site; site = sites.pop()) {
    const structure = [site.type];
    const seen = new Set<TypeId>();
    for (let id = structure.pop(); id !== undefined; id = structure.pop()) {
      const descriptor = table.types[id];
      if (seen.has(id) || !descriptor) continue;
      seen.add(id);
      for (const problem of table.problems.get(id) ?? []) report(problem, site);
      for (const ref of typeRefsOf(descriptor)) {
        if (!ref.structural) continue;
        if (!ref.field) {
          structure.push(ref.id);
          continue;
        }
        const key = `${id}\0${ref.field.name}\0${site.opaque}`;
        if (ref.field.annotations.transient || visitedFields.has(key)) continue;
        visitedFields.add(key);
        sites.push({
          kind: "field",
          name: fieldName(descriptor, site, ref.field.name),
          node: table.fieldDeclarations.get(id)?.get(ref.field.name) ?? site.node,
          type: ref.id, opaque: site.opaque || ref.field.annotations.opaque, root: site.root,
        });
      }
    }
  }
  return diagnostics;
}
