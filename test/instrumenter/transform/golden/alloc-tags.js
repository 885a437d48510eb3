"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.swap = swap;
const __rt = require("proteos:rt");
class Segment {
    from;
    to;
    constructor(from, to) {
        this.from = from;
        this.to = to;
    }
}
const origin = __rt.tag({ x: 0, y: 0 }, "main.ts#Point");
const shapes = __rt.tag([__rt.tag({ kind: "circle", r: 1 }, "main.ts#Circle"), __rt.tag({ kind: "square", side: 2 }, "main.ts#Square")], "main.ts#Shape[]");
const loose = __rt.tag({ name: "loose", at: __rt.tag({ x: 1, y: 1 }, "main.ts#Point") }, "{ name: string; at: main.ts#Point }");
const empty = __rt.tag([], "main.ts#Point[]");
const zeros = __rt.tag(new Array(3), "number[]").fill(0);
const byName = __rt.tag(new Map(), "Map<string, main.ts#Point>");
const seen = __rt.tag(new Set(), "Set<number>");
const segment = new Segment(origin, __rt.tag({ x: 1, y: 2 }, "main.ts#Point"));
function moved(p, dx) {
    byName.set("last", __rt.tag({ x: p.x + dx, y: p.y }, "main.ts#Point"));
    return __rt.tag({ ...p, x: p.x + dx }, "main.ts#Point");
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
    return first + second + x + identity(__rt.tag({ n: 1 }, "{ n: number }")).n + reset(origin).x + shapes.length + loose.at.x + empty.length + zeros.length + segment.to.y;
}
