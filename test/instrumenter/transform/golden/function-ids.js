"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.all = exports.BufCache = void 0;
exports.doFork = doFork;
exports.default = default_1;
const __rt = require("proteos:rt");
// Function identities: what a registration reaches, and what it leaves out.
function doFork() {
    return 1;
}
class BufCache {
    static make() {
        return new BufCache();
    }
    static create = () => new BufCache();
    onEvict = () => { };
    get size() {
        return 0;
    }
    set size(_) { }
    get(n) {
        return n;
    }
    "odd name"() { }
    #secret() { }
    [Symbol.iterator]() {
        return [].values();
    }
}
exports.BufCache = BufCache;
const Anonymous = class {
    run() { }
};
const table = {
    open: () => 1,
    close() {
        return 2;
    },
};
const list = [doFork, () => 2];
const handlers = new Map([[1, __rt.registerFunction("main.ts", "handlers(0)[0][1]", () => 1)]]);
const choice = list.length > 1 ? __rt.registerFunction("main.ts", "choice@39:34", () => 3) : doFork;
const named = Object.freeze({ h: () => 4 });
function default_1() { }
exports.all = [table, handlers, choice, named, Anonymous];
__rt.registerFunctions("main.ts", () => ({
    "doFork": doFork,
    "BufCache": BufCache,
    "BufCache.static.make": BufCache.make,
    "BufCache.static.create": BufCache.create,
    "BufCache.get": BufCache.prototype.get,
    "BufCache.odd name": BufCache.prototype["odd name"],
    "default": exports.default
}), ["BufCache", "Anonymous"], {
    "Anonymous": Anonymous,
    "Anonymous.run": Anonymous?.prototype?.run,
    "table.open": table?.open,
    "table.close": table?.close,
    "list[1]": list?.[1]
});
