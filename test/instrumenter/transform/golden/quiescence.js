"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.parts = void 0;
exports.main = main;
exports.notALoop = notALoop;
exports.guarded = guarded;
exports.busy = busy;
exports.spawn = spawn;
exports.serveOne = serveOne;
exports.scan = scan;
exports.relay = relay;
exports.sequential = sequential;
exports.viaLocal = viaLocal;
const __rt = require("proteos:rt");
exports.__rt_notALoop = __rt_notALoop;
exports.__rt_busy = __rt_busy;
exports.__rt_serveOne = __rt_serveOne;
exports.__rt_scan = __rt_scan;
// Quiescence hooks: update points at the head of event loops, counted async functions.
const ipc = __importStar(require("./lib/ipc.js"));
const ipc_js_1 = require("./lib/ipc.js");
async function main() {
    for (;;) {
        const m = await __rt$updatePoint0();
        void handle(m);
    }
}
async function driver() {
    while (true)
        dispatch(await __rt$updatePoint1(3));
}
function dispatch(m) {
    void m;
}
/** A request handler: counted while its body runs. */
async function handle(m) {
    "use strict";
    __rt.counts.activations++;
    try {
        const reply = await (0, ipc_js_1.receive)(m.type); // waiting for a reply: not an update point
        dispatch(reply);
    }
    finally {
        __rt.counts.activations--;
    }
}
const later = async (m) => {
    __rt.counts.activations++;
    try {
        return dispatch(await (0, ipc_js_1.receive)(m.type));
    }
    finally {
        __rt.counts.activations--;
    }
}; // counted: the expression becomes a return
const quick = async (m) => dispatch(m); // never awaits: not counted
class Server {
    async serve() {
        for (;;) {
            dispatch(await __rt$updatePoint2()); // an update point in a method
        }
    }
    async *stream() {
        yield await (0, ipc_js_1.receive)();
    }
}
async function notALoop() {
    __rt.counts.activations++;
    try {
        let n = 0;
        while (n < 3) {
            await (0, ipc_js_1.receive)(); // the loop ends: no update point
            n++;
        }
        for (;;) {
            n++;
            await (0, ipc_js_1.receive)(); // not the first statement
        }
    }
    finally {
        __rt.counts.activations--;
    }
}
async function __rt_notALoop() {
    let n = 0;
    while (n < 3) {
        await (0, ipc_js_1.receive)(); // the loop ends: no update point
        n++;
    }
    for (;;) {
        n++;
        await (0, ipc_js_1.receive)(); // not the first statement
    }
}
async function guarded() {
    for (;;) {
        try {
            dispatch(await __rt$updatePoint3()); // the first await of the first statement
        }
        catch {
            continue;
        }
    }
}
async function busy() {
    __rt.counts.activations++;
    try {
        for (;;) {
            if (Math.random() > 0.5) {
                await Promise.resolve(); // something else first: no update point
                await (0, ipc_js_1.receive)();
            }
        }
    }
    finally {
        __rt.counts.activations--;
    }
}
async function __rt_busy() {
    for (;;) {
        if (Math.random() > 0.5) {
            await Promise.resolve(); // something else first: no update point
            await (0, ipc_js_1.receive)();
        }
    }
}
function spawn() {
    const loop = async () => {
        for (;;)
            await __rt$updatePoint4(); // in a closure: the update point has no function identity
    };
    return loop();
}
exports.parts = [driver, later, quick, Server];
// Twins: a counted function declaration has an uncounted twin, `__rt_<name>`, which
// `await f(…)` calls in a function whose own activations are counted or covered.
async function lookup(m) {
    __rt.counts.activations++;
    try {
        const r = await ipc.call(m.type); // through a namespace: the counted one
        return r.type;
    }
    finally {
        __rt.counts.activations--;
    }
}
async function __rt_lookup(m) {
    const r = await ipc.call(m.type); // through a namespace: the counted one
    return r.type;
}
async function serveOne(m) {
    __rt.counts.activations++;
    try {
        const n = await __rt_lookup(m); // the twin
        const r = await (0, ipc_js_1.__rt_call)(n); // imported by name: the twin
        void lookup(r); // not awaited: the counted one
        const later = lookup; // a value: the counted one, when it is called
        return (await later(r)) + (await __rt_lookup(m)); // the twin, through a type assertion
    }
    finally {
        __rt.counts.activations--;
    }
}
async function __rt_serveOne(m) {
    const n = await __rt_lookup(m); // the twin
    const r = await (0, ipc_js_1.__rt_call)(n); // imported by name: the twin
    void lookup(r); // not awaited: the counted one
    const later = lookup; // a value: the counted one, when it is called
    return (await later(r)) + (await __rt_lookup(m)); // the twin, through a type assertion
}
async function* pages(m) {
    yield await __rt_lookup(m); // a generator only ever consumed whole by a counted function: the twin
}
async function* exposed(m) {
    yield await lookup(m); // consumed otherwise too: the counted one
}
async function scan(m) {
    __rt.counts.activations++;
    try {
        let n = 0;
        for await (const p of pages(m))
            n += p;
        for await (const p of exposed(m))
            n += p;
        const it = exposed(m);
        return n + ((await it.next()).value ?? 0);
    }
    finally {
        __rt.counts.activations--;
    }
}
async function __rt_scan(m) {
    let n = 0;
    for await (const p of pages(m))
        n += p;
    for await (const p of exposed(m))
        n += p;
    const it = exposed(m);
    return n + ((await it.next()).value ?? 0);
}
function relay(m) {
    return lookup(m); // returned, not awaited: the counted one
}
async function sequential() {
    for (;;) {
        const m = await __rt$updatePoint5();
        await lookup(m); // in the loop that holds the update point (not in flight while parked): the counted one
    }
}
async function viaLocal() {
    const io = ipc;
    for (;;) {
        dispatch(await __rt.updatePoint(io.receive())); // the callee is a local's: through the runtime where it is written
    }
}
function __rt$updatePoint0() { return __rt.updatePoint((0, ipc_js_1.receive)()); }
function __rt$updatePoint1(a0) { return __rt.updatePoint(ipc.receive(a0)); }
function __rt$updatePoint2() { return __rt.updatePoint((0, ipc_js_1.receive)()); }
function __rt$updatePoint3() { return __rt.updatePoint((0, ipc_js_1.receive)()); }
function __rt$updatePoint4() { return __rt.updatePoint((0, ipc_js_1.receive)()); }
function __rt$updatePoint5() { return __rt.updatePoint((0, ipc_js_1.receive)()); }
