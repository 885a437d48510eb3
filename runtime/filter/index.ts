/**
 * State filters: a boolean expression over a component's own module state, e.g.
 *
 *   vfs.filps.size == 0 && vfs.root != null
 *
 * that the update manager waits to hold before it updates the component. The language
 * (./syntax.ts) is compiled against the program's metadata when the update is
 * requested (./check.ts), so a misspelt name, a missing field or a comparison that can
 * never hold is a FilterError then, with the place in the filter; evaluation
 * (./evaluate.ts) reads the live state at each update point.
 *
 *   const filter = compileFilter("vfs.filps.size == 0", image.metadata("vfs"));
 *   if (filter.evaluate(view, (fault) => log(fault.message))) …
 */
import type { Metadata } from "../../instrumenter/metadata/schema.js";
import type { ProcessView } from "../process-view.js";
import { checkFilter } from "./check.js";
import { FilterError } from "./error.js";
import { compileNode, Fault } from "./evaluate.js";
import { parseFilter } from "./syntax.js";

export { FilterError } from "./error.js";

export interface CompiledFilter {
  readonly source: string;
  /** The program whose state it reads. */
  readonly program: string;
  /** Qualified names ("module#name") of the variables it reads, in the order they appear. */
  readonly variables: readonly string[];
  /**
   * Whether the filter holds on the process's state now. A fault (a field read of null,
   * …) makes it false and is reported to `onFault` as a FilterError pointing at where
   * it happened.
   */
  evaluate(view: ProcessView, onFault?: (fault: FilterError) => void): boolean;
}

/** Throws FilterError if the filter is not in the language or does not fit the metadata. */
export function compileFilter(source: string, metadata: Metadata): CompiledFilter {
  const { root, reads } = checkFilter(parseFilter(source), source, metadata);
  const run = compileNode(root, source);
  return {
    source,
    program: metadata.program,
    variables: reads.map((r) => `${r.module}#${r.variable.name}`),
    evaluate(view, onFault) {
      if (view.program !== metadata.program) {
        throw new Error(`state filter for ${metadata.program} evaluated on ${view.program}`);
      }
      try {
        return Boolean(run(view));
      } catch (err) {
        if (!(err instanceof Fault)) throw err;
        onFault?.(new FilterError(err.reason, source, err.span));
        return false;
      }
    },
  };
}
