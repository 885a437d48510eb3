/**
 * A problem with a state filter, at a place in its source: rejected when the filter is
 * compiled, or met while evaluating it (a fault). The message shows the line with a
 * caret under the bad part:
 *
 *   state filter: 'opneFiles' is not a variable of vfs (did you mean 'openFiles'?)
 *     opneFiles.size == 0
 *     ^^^^^^^^^
 */

/** Source offsets [start, end) of a part of a filter. */
export interface Span {
  start: number;
  end: number;
}

export class FilterError extends Error {
  /** 1-based line and column of the bad part. */
  readonly line: number;
  readonly column: number;

  constructor(readonly reason: string, readonly source: string, readonly span: Span) {
    const lineStart = source.lastIndexOf("\n", span.start - 1) + 1;
    const newline = source.indexOf("\n", span.start);
    const lineEnd = newline < 0 ? source.length : newline;
    const line = source.slice(0, lineStart).split("\n").length;
    const column = span.start - lineStart + 1;
    const width = Math.max(1, Math.min(span.end, lineEnd) - span.start);
    super(`state filter: ${reason}\n  ${source.slice(lineStart, lineEnd)}\n  ${" ".repeat(column - 1)}${"^".repeat(width)}`);
    this.name = "FilterError";
    this.line = line;
    this.column = column;
  }
}
