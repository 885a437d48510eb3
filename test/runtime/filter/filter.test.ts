/**
 * State filters (runtime/filter): the language, checking against the metadata when a
 * filter is compiled, and evaluation on live state, on the fixture programs of
 * fixtures/checks and on real servers of the OS.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileFilter, FilterError } from "../../../runtime/filter/index.js";
import { loadProgram } from "../../../runtime/load.js";
import type { ProcessView } from "../../../runtime/process-view.js";
import { inRealm, useBuilds } from "../state/builds.js";

const builds = useBuilds();
let kinds: ProcessView;

beforeAll(() => {
  kinds = loadProgram(builds.checks, "kinds");
});

/** The FilterError compiling `source` throws. */
function rejection(source: string, view: ProcessView = kinds): FilterError {
  try {
    compileFilter(source, view.metadata);
  } catch (err) {
    if (err instanceof FilterError) return err;
    throw err;
  }
  throw new Error(`'${source}' compiled`);
}

const holds = (source: string, view: ProcessView = kinds) => compileFilter(source, view.metadata).evaluate(view);

describe("the filter language", () => {
  it.each([
    ["title == 'kinds'", true],
    ["title != \"kinds\"", false],
    ["color === 5", true],
    ["color !== 5", false],
    ["meta.version < 2", true],
    ["meta.version <= 0", false],
    ["meta.nested.depth > 0", true],
    ["meta.nested.depth >= 2", false],
    ["meta.tags[0] == 'a'", true],
    ["meta['version'] == 1", true],
    ["meta.tags.length == 1", true],
    ["title.length == 5", true],
    ["bytes.length == 4 && bytes[0] == 0", true],
    ["table.byIno.size == 4 && table.open.size == 1", true],
    ["table.slots[3].ino == 4", true],
    ["!ready", true],
    ["!ready && (origin.x == 0 || origin.y == 1)", true],
    ["ready || origin.x == 1", false],
    ["origin.x > -1", true],
    ["maybe == null && maybe == undefined && maybe === null", true],
    ["origin.label === undefined", true],
    ["access == 'r' && failure == null", true],
    ["Registry.count == 0", true],
    ["big == 10", true],
    ["shape.kind == 'circle' && shape.r == 2", true],
    ["pair[1] == 'one' && rest[2] == 2", true],
    ["counts.a == 1 && counts['b'] == undefined", true],
    ["list.head != null && list.head.value == 'a'", true],
    ["blob.anything == 1", false],
  ])("%s is %s", (source, expected) => {
    expect(holds(source)).toBe(expected);
  });

  it("compares without coercing through objects: an object equals only itself", () => {
    expect(holds("list.head == list.head")).toBe(true);
    expect(holds("list.head == list.head.next")).toBe(false);
  });

  it("names the variables a filter reads", () => {
    const filter = compileFilter("!ready && table.open.size == 0 && !ready", kinds.metadata);
    expect(filter.variables).toEqual(["kinds/state.ts#ready", "kinds/state.ts#table"]);
    expect(filter.program).toBe("kinds");
  });

  it.each([
    ["double(2) == 4", 1, "calls are not allowed"],
    ["table.byIno.get(1) == null", 1, "calls are not allowed"],
    ["new Date() == when", 1, "'new' is not allowed"],
    ["ready = true", 1, "assignment is not allowed"],
    ["meta.version++ == 1", 1, "'++' and '--' are not allowed"],
    ["this.ready", 1, "'this' is not allowed"],
    ["title == `kinds`", 10, "template literals are not allowed"],
    ["ready ? true : false", 1, "the conditional operator (?:) is not allowed"],
    ["(() => ready) == null", 2, "functions are not allowed"],
    ["[1] == pair", 1, "array literals are not allowed"],
    ["({ x: 0 }) == origin", 2, "object literals are not allowed"],
    ["(ready, ready)", 2, "the comma operator is not allowed"],
    ["title == /kinds/", 10, "regular expressions are not allowed"],
    ["big == 10n", 8, "bigint literals are not allowed"],
    ["typeof title == 'string'", 1, "'typeof' is not allowed"],
    ["!(void 0)", 3, "'void' is not allowed"],
    ["~meta.version == 0", 1, "'~' is not allowed"],
    ["-meta.version == -1", 1, "unary '-' is allowed only as the sign of a number literal"],
    ["maybe ?? ready", 7, "'??' is not allowed"],
    ["origin?.x == 0", 1, "optional chaining (?.) is not allowed"],
    ["meta.tags[meta.version] == 'a'", 11, "an index must be a literal"],
    ["meta.tags[-1] == 'a'", 11, "an index must be a literal"],
    ["meta.version + 1 == 2", 14, "arithmetic ('+') is not allowed"],
    ["(meta.version) * 2 == 2", 16, "arithmetic ('*') is not allowed"],
    ["meta.version & 1", 14, "'&' is not allowed"],
    ["'x' in meta", 5, "'in' is not allowed"],
    ["origin instanceof Object", 8, "'instanceof' is not allowed"],
    ["   ", 1, "the filter is empty"],
    ["ready &&", 9, "syntax error: Unexpected token"],
  ])("rejects %s at column %i", (source, column, reason) => {
    const err = rejection(source);
    expect(err.reason).toContain(reason);
    expect(err.column).toBe(column);
  });

  it("points at the bad part with a caret line", () => {
    const err = rejection("ready && meta.versoin == 1");
    expect(err.message).toBe([
      "state filter: 'versoin' is not a field of meta ({ version: number; tags: string[]; nested: { depth: number } }) (did you mean 'version'?)",
      "  ready && meta.versoin == 1",
      "                ^^^^^^^",
    ].join("\n"));
    expect(err.column).toBe(15);
    expect(err.line).toBe(1);
  });

  it("reports the line of a filter written on several lines", () => {
    const err = rejection("!ready &&\n  meta.version + 1 == 2");
    expect(err.line).toBe(2);
    expect(err.column).toBe(16);
    expect(err.message.split("\n").slice(1)).toEqual(["    meta.version + 1 == 2", "                 ^"]);
  });
});

describe("checking a filter against the metadata", () => {
  it("rejects a name that is no variable, suggesting the nearest", () => {
    const vfs = loadProgram(builds.os, "vfs");
    expect(rejection("vfz.filps.size == 0", vfs).message).toBe([
      "state filter: 'vfz' is not a variable of vfs (did you mean 'vfs'?)",
      "  vfz.filps.size == 0",
      "  ^^^",
    ].join("\n"));
    expect(rejection("nothingLikeIt == 0").reason).toBe("'nothingLikeIt' is not a variable of kinds");
  });

  it("resolves a name several modules declare to the entry folder's, and lists the candidates otherwise", () => {
    const twins = loadProgram(builds.checks, "twins");
    const count = compileFilter("count == 0", twins.metadata);
    expect(count.variables).toEqual(["twins/app/state.ts#count"]);
    expect(count.evaluate(twins)).toBe(true);
    expect(compileFilter("spare == 4", twins.metadata).evaluate(twins)).toBe(true);
    const err = rejection("spare == 4 && total == 2", twins);
    expect(err.reason).toBe("'total' is ambiguous: it names twins/lib/a.ts#total, twins/lib/b.ts#total, " +
      "and none of them is in twins/app, the entry module's folder");
    expect(err.column).toBe(15);
  });

  it.each([
    ["table.slotz.length == 0", 7, "'slotz' is not a field of table (kinds/state.ts#Table) (did you mean 'slots'?)"],
    ["table.byIno.sise == 0", 13, "'sise' is not a field of table.byIno (Map<number, kinds/state.ts#Inode>) (did you mean 'size'?)"],
    ["table.byIno[1] == null", 13, "a filter cannot read the entries of a Map, only its '.size'"],
    ["table.first == null", 7, "'first' is an accessor of Table: a filter reads fields, not code"],
    ["table.find == null", 7, "'find' is a method of Table"],
    ["table.lookups == 0", 7, "'lookups' is not a field of table"],
    ["pair[2] == 1", 6, "index 2 is past the end of 2-element tuple"],
    ["title.size == 0", 7, "'size' is not a field of title (string)"],
    ["failure.message == 'x'", 9, "a error has no fields a filter can read"],
    ["shape.side == 1 && shape.radius == 1", 26, "'radius' is not a field of shape"],
  ])("rejects the field of %s", (source, column, reason) => {
    const err = rejection(source);
    expect(err.reason).toContain(reason);
    expect(err.column).toBe(column);
  });

  it("finds a field in some member of a union", () => {
    expect(holds("shape.side == 1")).toBe(false); // the circle has no side: undefined
  });

  it.each([
    ["meta.version == 'one'", 14, "meta.version (number) and 'one' can never be equal"],
    ["title === null", 7, "title (string) and null can never be equal"],
    ["table == null", 7, "table (kinds/state.ts#Table) and null can never be equal"],
    ["color == 4", 10, "4 is never a value of color (0 | 5 | 6)"],
    ["shape.kind == 'triangle'", 15, "'triangle' is never a value of shape.kind (\"circle\" | \"square\")"],
    ["access == 'x'", 11, "'x' is never a value of access (\"r\" | \"w\")"],
    ["origin < 3", 8, "'<' orders two numbers or two strings"],
    ["meta.version", 1, "meta.version is a number: compare it explicitly (e.g. 'meta.version != 0')"],
    ["!title", 2, "title is a string: compare it explicitly (e.g. 'title != \"\"')"],
    ["ready && maybe", 10, "maybe is a number (null | number | string)"],
  ])("rejects the comparison or test %s", (source, column, reason) => {
    const err = rejection(source);
    expect(err.reason).toContain(reason);
    expect(err.column).toBe(column);
  });

  it("lets null equal undefined loosely but not strictly", () => {
    expect(holds("list.head.next.next == undefined")).toBe(true);
    expect(rejection("meta.nested === undefined").reason).toContain("can never be equal");
  });
});

describe("evaluating a filter on live state", () => {
  it("reads a real server's state, and sees it change", () => {
    const vfs = loadProgram(builds.os, "vfs");
    const filter = compileFilter("vfs.filps.size == 0 && vfs.nextDeviceRequest >= 1", vfs.metadata);
    expect(filter.evaluate(vfs)).toBe(true);
    const filps = vfs.rt.accessors("servers/vfs/state.ts")!.get.vfs!() as { filps: Set<unknown> };
    filps.filps.add(new vfs.intrinsics.Object());
    expect(filter.evaluate(vfs)).toBe(false);
  });

  it("makes a fault false and reports where it happened", () => {
    const vfs = loadProgram(builds.os, "vfs");
    const faults: FilterError[] = [];
    expect(compileFilter("vfs.root.refCount > 0", vfs.metadata).evaluate(vfs, (f) => faults.push(f))).toBe(false);
    expect(faults.map((f) => f.message)).toEqual([
      ["state filter: vfs.root is null: cannot read its 'refCount'", "  vfs.root.refCount > 0", "  ^^^^^^^^"].join("\n"),
    ]);
    // Guarded, the same read is no fault.
    expect(compileFilter("vfs.root != null && vfs.root.refCount > 0", vfs.metadata).evaluate(vfs, (f) => faults.push(f))).toBe(false);
    expect(faults).toHaveLength(1);
  });

  it("faults on values that are not what their types say, without running the program's code", () => {
    const view = loadProgram(builds.checks, "kinds");
    const faults: string[] = [];
    const onFault = (f: FilterError) => faults.push(f.reason);
    const { set } = view.rt.accessors("kinds/state.ts")!;
    set.title!(7);
    expect(compileFilter("title < 'z'", view.metadata).evaluate(view, onFault)).toBe(false);
    // A getter planted where a field should be is not called.
    const touched = inRealm<{ touched: boolean }>(view, ["o"],
      "const log = { touched: false }; Object.defineProperty(o, 'x', { get() { log.touched = true; return 0; } }); return log;",
      view.rt.accessors("kinds/state.ts")!.get.origin!());
    expect(compileFilter("origin.x == 0", view.metadata).evaluate(view, onFault)).toBe(false);
    expect(touched.touched).toBe(false);
    expect(faults).toEqual(["cannot order number and string with '<'", "'x' is an accessor: a filter does not run the program's code"]);
  });

  it("refuses to run on another program's process", () => {
    const vfs = loadProgram(builds.os, "vfs");
    expect(() => compileFilter("!ready", kinds.metadata).evaluate(vfs)).toThrow("state filter for kinds evaluated on vfs");
  });
});
