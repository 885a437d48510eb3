"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.main = main;
exports.hold = hold;
exports.release = release;
exports.fail = fail;
const __rt = require("proteos:rt");
// A server in the OS's style: an event loop that starts a handler per request without awaiting it.
const ipc_js_1 = require("./lib/ipc.js");
const state_js_1 = require("./state.js");
/** @transient */
let open = null;
/** @transient */
let gate = Promise.resolve();
async function main() {
    for (;;) {
        const m = await __rt$updatePoint0();
        void handle(m);
    }
}
async function handle(m) {
    const r = __rt.tag({ from: m.source ?? -1, kind: m.type }, "state.ts#Request");
    state_js_1.queue.push(r);
    state_js_1.bySource.set(r.from, r);
    state_js_1.kinds.add(r.kind);
    state_js_1.last.message = m;
    await (0, state_js_1.wait)(gate);
    (0, state_js_1.countServed)();
}
/** Hold handlers at their await until `release`. */
function hold() {
    gate = __rt.promise((resolve) => {
        open = resolve;
    });
}
function release() {
    open?.();
}
function fail() {
    throw new Error("boom");
}
__rt.registerState("main.ts", () => ({
    get: {
        open: () => open,
        gate: () => gate
    },
    set: {
        open: value_1 => { open = value_1; },
        gate: value_2 => { gate = value_2; }
    }
}));
__rt.registerFunctions("main.ts", () => ({
    "main": main,
    "handle": handle,
    "hold": hold,
    "release": release,
    "fail": fail
}), []);
function __rt$updatePoint0() { return __rt.updatePoint((0, ipc_js_1.receive)()); }
