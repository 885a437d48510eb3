/**
 * Stack traces of generated code, mapped back to the sources: every `file:LINE:COL`
 * whose file has a source map becomes the original line and column of that file, so
 * a crash names the .ts line that failed.
 *
 * The kernel reports a crash synchronously, and source-map's SourceMapConsumer is
 * asynchronous (it parses mappings in WebAssembly), so the mappings are decoded here
 * (Base64 VLQ, source map v3); a decoded map is kept for the next trace.
 */

import { PLAIN_DIR } from "./emit.js";

/** Per generated line (0-based), its segments sorted by column: [generated column, original line, original column], 0-based. */
type DecodedMap = Array<Array<[number, number, number]>>;

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_VALUE = new Map([...BASE64].map((c, i) => [c, i]));

const decodedMaps = new Map<string, DecodedMap>();

/**
 * Rewrite the frames of `stack` whose file `maps` knows (it returns that file's
 * source map v3, as JSON) to original positions; other text is left as it is. A plain
 * copy of a module (./emit.ts, PLAIN_DIR) runs under a name of its own, so that its map
 * is not the instrumented module's; a frame of it names the source it was compiled from.
 */
export function mapStack(stack: string, maps: (file: string) => string | undefined): string {
  return stack.replace(/([^\s()]+):(\d+):(\d+)/g, (frame, file: string, line: string, column: string) => {
    const map = maps(file);
    const original = map === undefined ? undefined : originalPosition(decoded(map), Number(line), Number(column));
    return original ? `${file.replace(`/${PLAIN_DIR}/`, "/")}:${original.line}:${original.column}` : frame;
  });
}

/** 1-based line and column in, 1-based out; the segment at or before the column, else the line's first. */
function originalPosition(map: DecodedMap, line: number, column: number): { line: number; column: number } | undefined {
  const segments = map[line - 1];
  if (!segments || segments.length === 0) return undefined;
  let found = segments[0]!;
  for (const segment of segments) {
    if (segment[0] > column - 1) break;
    found = segment;
  }
  return { line: found[1] + 1, column: found[2] + 1 };
}

/** A map that does not parse maps nothing: reporting a crash must not fail. */
function decoded(mapJson: string): DecodedMap {
  let map = decodedMaps.get(mapJson);
  if (!map) {
    try {
      map = decodeMappings((JSON.parse(mapJson) as { mappings: string }).mappings);
    } catch {
      map = [];
    }
    decodedMaps.set(mapJson, map);
  }
  return map;
}

/**
 * Each line's segments are ";"-separated groups of ","-separated segments; a segment is
 * 1, 4 or 5 VLQ numbers: generated column (relative to the line's previous segment),
 * then source index, original line, original column and name index, each relative to
 * the previous segment's anywhere in the map. Segments without an origin are dropped;
 * the source index is not kept (an emitted module has one source).
 */
function decodeMappings(mappings: string): DecodedMap {
  const lines: DecodedMap = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const text of mappings.split(";")) {
    const segments: Array<[number, number, number]> = [];
    let column = 0;
    for (const segment of text.split(",")) {
      if (segment === "") continue;
      const fields = decodeVlq(segment);
      column += fields[0]!;
      if (fields.length < 4) continue;
      sourceLine += fields[2]!;
      sourceColumn += fields[3]!;
      segments.push([column, sourceLine, sourceColumn]);
    }
    lines.push(segments.sort((a, b) => a[0] - b[0]));
  }
  return lines;
}

/** The signed numbers of one segment: 5-bit groups, low first, with a continuation bit; the lowest bit is the sign. */
function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of segment) {
    const digit = BASE64_VALUE.get(c);
    if (digit === undefined) throw new Error(`source map: bad Base64 digit "${c}"`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return values;
}
