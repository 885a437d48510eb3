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
exports.byName = exports.parts = void 0;
exports.main = main;
exports.driver = driver;
exports.waitForInterrupt = waitForInterrupt;
exports.notALoop = notALoop;
exports.guarded = guarded;
exports.busy = busy;
exports.spawn = spawn;
exports.viaLocal = viaLocal;
exports.started = started;
exports.lock = lock;
exports.notBuiltIn = notBuiltIn;
exports.lookedUp = lookedUp;
const __rt = require("proteos:rt");
// Quiescence hooks: update points at the head of the entry's event loops, and the promises the program makes.
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
async function handle(m) {
    const reply = await (0, ipc_js_1.receive)(m.type); // waiting for a reply: not an update point
    dispatch(reply);
    await waitForInterrupt();
}
async function waitForInterrupt() {
    for (;;) {
        const m = await (0, ipc_js_1.receive)(9); // an event loop in a function the program calls: its caller's work is in flight
        if (m.type === 1)
            return;
    }
}
class Server {
    async serve() {
        for (;;) {
            dispatch(await (0, ipc_js_1.receive)()); // in a method: who calls it cannot be known
        }
    }
}
async function notALoop() {
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
            dispatch(await __rt$updatePoint2()); // the first await of the first statement
        }
        catch {
            continue;
        }
    }
}
async function busy() {
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
            await (0, ipc_js_1.receive)(); // in a closure: not an update point
    };
    return loop();
}
async function viaLocal() {
    const io = ipc;
    for (;;) {
        dispatch(await __rt.updatePoint(io.receive())); // the callee is a local's: through the runtime where it is written
    }
}
async function started() {
    for (;;)
        dispatch(await (0, ipc_js_1.receive)()); // exported, but the program names it below: not an entry
}
exports.parts = [Server, started];
// Promises the program makes: counted while pending.
const waiters = [];
function lock() {
    return __rt.promise((resolve) => waiters.push(resolve));
}
function notBuiltIn() {
    class Promise {
        executor;
        constructor(executor) {
            this.executor = executor;
        }
    }
    return new Promise(() => { }); // a class of the program's own: left as it is
}
async function lookedUp() {
    for (;;)
        dispatch(await (0, ipc_js_1.receive)()); // named by a string below: not an entry
}
const byName = (ns) => ns["lookedUp"];
exports.byName = byName;
function __rt$updatePoint0() { return __rt.updatePoint((0, ipc_js_1.receive)()); }
function __rt$updatePoint1(a0) { return __rt.updatePoint(ipc.receive(a0)); }
function __rt$updatePoint2() { return __rt.updatePoint((0, ipc_js_1.receive)()); }
