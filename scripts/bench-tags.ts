/**
 * npx tsx scripts/bench-tags.ts [--json]
 *
 * What an allocation-site tag costs, per representation, inside a realm (a vm
 * context, as process code runs), for object literals, array literals and Maps,
 * untagged and tagged in each candidate way: nanoseconds per allocation in optimized
 * code (hot) and in the code of a fresh realm, as every new process starts (cold: each
 * site run 1000 times), and heap bytes per retained object. The instrumenter's choice
 * (instrumenter/README.md) comes from these numbers.
 */
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { median } from "./stats.js";

const json = process.argv.includes("--json");
const ALLOCS = 3_000_000;
const RETAINED = 200_000;
const RUNS = 7;
/** Cold: fresh realms, each running the allocation site this often. */
const COLD_REALMS = 200;
const COLD_ALLOCS = 1000;

/** Candidate representations, each an expression allocating one value (i is the loop index). */
const VARIANTS: Record<string, Record<string, string>> = {
  object: {
    "untagged": "({ type: i, source: 3, count: 7 })",
    "helper tag(o, id) (chosen)": "tag({ type: i, source: 3, count: 7 }, 'servers/x.ts#M')",
    "computed symbol key, last": "({ type: i, source: 3, count: 7, [T]: 'servers/x.ts#M' })",
    "computed symbol key, first": "({ [T]: 'servers/x.ts#M', type: i, source: 3, count: 7 })",
    "assigned in place (a temporary)": "(t = { type: i, source: 3, count: 7 }, t[T] = 'servers/x.ts#M', t)",
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
  const P = Object.create(Object.prototype, { [T]: { value: "servers/x.ts#M" } });
  let t;
`;

interface Row { kind: string; variant: string; nsPerAlloc: number; coldNsPerAlloc: number; bytesPerObject: number }

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

type Fns = { churn(n: number, sink: unknown[]): void; retain(n: number): unknown[] };

function measure(expr: string): Omit<Row, "kind" | "variant"> {
  const script = new vm.Script(`(() => { ${PRELUDE}
    return {
      churn(n, sink) { for (let i = 0; i < n; i++) sink[i & 1023] = ${expr}; },
      retain(n) { const keep = new Array(n); for (let i = 0; i < n; i++) keep[i] = ${expr}; return keep; },
    };
  })()`);
  const sink = new Array(1024);
  let cold = 0n;
  for (let r = 0; r < COLD_REALMS; r++) {
    const fresh = script.runInContext(vm.createContext({})) as Fns;
    const t0 = process.hrtime.bigint();
    fresh.churn(COLD_ALLOCS, sink);
    cold += process.hrtime.bigint() - t0;
  }
  // One realm per variant for the rest, so no variant's feedback pollutes another's.
  const fns = script.runInContext(vm.createContext({})) as Fns;
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
  return { nsPerAlloc: median(times), coldNsPerAlloc: Number(cold) / (COLD_REALMS * COLD_ALLOCS), bytesPerObject: (after - before) / RETAINED };
}

const rows: Row[] = [];
for (const [kind, variants] of Object.entries(VARIANTS)) {
  for (const [variant, expr] of Object.entries(variants)) rows.push({ kind, variant, ...measure(expr) });
}

if (json) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  console.log(`allocation-site tag cost: hot ns (${ALLOCS} allocations, median of ${RUNS}), cold ns (${COLD_REALMS} fresh `
    + `realms x ${COLD_ALLOCS}), heap bytes (${RETAINED} retained)`);
  console.log("kind       hot    cold   bytes  variant");
  for (const r of rows) {
    console.log(`${r.kind.padEnd(7)} ${r.nsPerAlloc.toFixed(1).padStart(6)}  ${r.coldNsPerAlloc.toFixed(1).padStart(6)}  `
      + `${r.bytesPerObject.toFixed(0).padStart(6)}  ${r.variant}`);
  }
}
