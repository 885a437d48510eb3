"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.swap = swap;
const __rt = require("proteos:rt");
const __rtType = __rt.TYPE;
class Segment {
    from;
    to;
    constructor(from, to) {
        this.from = from;
        this.to = to;
    }
}
const origin = { x: 0, y: 0, [__rtType]: "main.ts#Point" };
const shapes = __rt.tag([{ kind: "circle", r: 1, [__rtType]: "main.ts#Circle" }, { kind: "square", side: 2, [__rtType]: "main.ts#Square" }], "main.ts#Shape[]");
const loose = { name: "loose", at: { x: 1, y: 1, [__rtType]: "main.ts#Point" }, [__rtType]: "{ name: string; at: main.ts#Point }" };
const empty = __rt.tag([], "main.ts#Point[]");
const zeros = __rt.tag(new Array(3), "number[]").fill(0);
const byName = __rt.tag(new Map(), "Map<string, main.ts#Point>");
const seen = __rt.tag(new Set(), "Set<number>");
const segment = new Segment(origin, { x: 1, y: 2, [__rtType]: "main.ts#Point" });
function moved(p, dx) {
    byName.set("last", { x: p.x + dx, y: p.y, [__rtType]: "main.ts#Point" });
    return { ...p, x: p.x + dx, [__rtType]: "main.ts#Point" };
}
function reset(p) {
    return Object.assign(p, { x: 0 }); // only copied from: not tagged
}
function identity(v) {
    return v;
}
function swap() {
    let [first, second] = __rt.tag([1, 2], "[number, number]");
    [first, second] = __rt.tag([second, first], "[number, number]");
    let x = 0;
    ({ x } = moved(origin, 1));
    for (const [k] of byName)
        seen.add(k.length);
    return first + second + x + identity({ n: 1, [__rtType]: "{ n: number }" }).n + reset(origin).x + shapes.length + loose.at.x + empty.length + zeros.length + segment.to.y;
}
