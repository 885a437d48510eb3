"use strict";
var _a, _b;
Object.defineProperty(exports, "__esModule", { value: true });
exports.shared = exports.rest = exports.c = exports.a = exports.counter = void 0;
exports.bump = bump;
const __rt = require("proteos:rt");
// State accessors: every kind of module-level variable.
const other_js_1 = require("./other.js");
exports.counter = 0;
const limit = 10;
var legacy = "old";
let value = 1; // the setter's parameter must not capture it
_a = { a: 1, b: [2, 3, 4] }, exports.a = _a.a, _b = _a.b, exports.c = _b[0], exports.rest = _b.slice(1);
let shared = 5;
exports.shared = shared;
if (limit > 0) {
    var hoisted = true;
}
class Registry {
    static entries = 0; // reached through the class
}
function bump() {
    exports.counter += limit;
    exports.shared = shared = value++;
    return (0, other_js_1.helper)(exports.counter) + Registry.entries + (hoisted ? 1 : 0) + legacy.length;
}
exports.default = { counter: exports.counter };
__rt.registerState("main.ts", () => ({
    get: {
        counter: () => exports.counter,
        limit: () => limit,
        legacy: () => legacy,
        value: () => value,
        a: () => exports.a,
        c: () => exports.c,
        rest: () => exports.rest,
        shared: () => shared,
        hoisted: () => hoisted,
        default: () => exports.default
    },
    set: {
        counter: value_1 => { exports.counter = value_1; },
        legacy: value_2 => { legacy = value_2; },
        value: value_3 => { value = value_3; },
        shared: value_4 => { exports.shared = shared = value_4; },
        hoisted: value_5 => { hoisted = value_5; }
    }
}));
