/**
 * npx tsx scripts/bench-tags.ts [--json]
 *
 * What an allocation-site tag costs, per representation, inside a realm (a vm
 * context, as process code runs): nanoseconds per allocation and heap bytes per
 * retained object, for object literals, array literals and Maps, untagged and
 * tagged in each candidate way. The instrumenter's choice (instrumenter/README.md)
 * comes from these numbers.
 */
import * as v8 from "node:v8";
import * as vm from "node:vm";

const json = process.argv.includes("--json");
const ALLOCS = 3_000_000;
const RETAINED = 200_000;
const RUNS = 7;

/** Candidate representations, each an expression allocating one value (i is the loop index). */
const VARIANTS: Record<string, Record<string, string>> = {
  object: {
    "untagged": "({ type: i, source: 3, count: 7 })",
    "computed symbol key, last, key in a module constant (chosen)": "({ type: i, source: 3, count: 7, [T]: 'servers/x.ts#M' })",
    "computed symbol key, last, read from the rt module": "({ type: i, source: 3, count: 7, [rt.TYPE]: 'servers/x.ts#M' })",
    "computed symbol key, first": "({ [T]: 'servers/x.ts#M', type: i, source: 3, count: 7 })",
    "helper tag(o, id)": "tag({ type: i, source: 3, count: 7 }, 'servers/x.ts#M')",
    "Object.defineProperty (non-enumerable)": "def({ type: i, source: 3, count: 7 }, 'servers/x.ts#M')",
    "WeakMap side table": "side({ type: i, source: 3, count: 7 }, 'servers/x.ts#M')",
    "tagged prototype (__proto__ in literal)": "({ __proto__: P, type: i, source: 3, count: 7 })",
  },
  array: {
    "untagged": "[i, 3, 7]",
    "helper tag(a, id) (chosen)": "tag([i, 3, 7], 'number[]')",
    "WeakMap side table": "side([i, 3, 7], 'number[]')",
  },
  map: {
    "untagged": "new Map()",
    "helper tag(m, id) (chosen)": "tag(new Map(), 'Map<number, servers/x.ts#M>')",
    "WeakMap side table": "side(new Map(), 'Map<number, servers/x.ts#M>')",
  },
};

const PRELUDE = `
  const T = Symbol.for("proteos.type");
  const tag = (o, id) => { o[T] = id; return o; };
  const def = (o, id) => Object.defineProperty(o, T, { value: id, writable: true, configurable: true });
  const table = new WeakMap();
  const side = (o, id) => { table.set(o, id); return o; };
  const rt = { TYPE: T };
  const P = Object.create(Object.prototype, { [T]: { value: "servers/x.ts#M" } });
`;

interface Row { kind: string; variant: string; nsPerAlloc: number; bytesPerObject: number }

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function measure(expr: string): { nsPerAlloc: number; bytesPerObject: number } {
  // A fresh realm per variant, so no variant's feedback pollutes another's.
  const realm = vm.createContext({});
  const fns = vm.runInContext(`(() => { ${PRELUDE}
    return {
      churn(n, sink) { for (let i = 0; i < n; i++) sink[i & 1023] = ${expr}; },
      retain(n) { const keep = new Array(n); for (let i = 0; i < n; i++) keep[i] = ${expr}; return keep; },
    };
  })()`, realm) as { churn(n: number, sink: unknown[]): void; retain(n: number): unknown[] };
  const sink = new Array(1024);
  fns.churn(ALLOCS, sink); // warm up: optimized code
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    fns.churn(ALLOCS, sink);
    times.push(Number(process.hrtime.bigint() - t0) / ALLOCS);
  }
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = fns.retain(RETAINED);
  gc();
  const after = process.memoryUsage().heapUsed;
  if (kept.length !== RETAINED) throw new Error("retain lost objects");
  return { nsPerAlloc: median(times), bytesPerObject: (after - before) / RETAINED };
}

const rows: Row[] = [];
for (const [kind, variants] of Object.entries(VARIANTS)) {
  for (const [variant, expr] of Object.entries(variants)) rows.push({ kind, variant, ...measure(expr) });
}

if (json) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  console.log(`allocation-site tag cost (${ALLOCS} allocations, median of ${RUNS}; heap for ${RETAINED} retained)`);
  console.log("kind    ns/alloc  bytes/object  variant");
  for (const r of rows) {
    console.log(`${r.kind.padEnd(7)} ${r.nsPerAlloc.toFixed(1).padStart(8)}  ${r.bytesPerObject.toFixed(1).padStart(12)}  ${r.variant}`);
  }
}
