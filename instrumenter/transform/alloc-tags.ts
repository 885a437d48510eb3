/**
 * Pass: allocation-site tags. Each allocation site of the analysis
 * (../analyze/allocations.ts) gets the id of its static type under the symbol key
 * `Symbol.for("proteos.type")`, so that state transfer can tell what any object of
 * the heap was allocated as. The runtime sets the tag and returns the object:
 *
 *   { type: OK, count: n }   ->  __rt.tag({ type: OK, count: n }, "include/ipc.ts#Message")
 *   new Map()                ->  __rt.tag(new Map(), "Map<number, servers/mfs/inode.ts#Inode>")
 *
 * and likewise array literals, `new Array` and `new Set`. One call for every kind: a
 * computed key in the literal (`[TYPE]: id`) is as cheap once the code is optimized,
 * but several times dearer in the cold code every new process starts with (see the
 * measurements in instrumenter/README.md). Symbol keys are skipped by Object.keys,
 * for-in and JSON.stringify, so the tags change no behaviour and never reach a message
 * (the kernel copies Object.keys). Instances of classes are not tagged: the runtime
 * knows them by their constructor.
 */
import ts from "../../os/boot/typescript.js";
import { type ModulePlan, siteKey } from "./plan.js";
import { rtCall } from "./runtime-binding.js";

const f = ts.factory;

export function allocTags(plan: ModulePlan): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (sf) => {
    const visit = (node: ts.Node): ts.Node => {
      const visited = ts.visitEachChild(node, visit, context);
      const type = plan.tags.get(siteKey(node));
      return type === undefined ? visited : rtCall("tag", [visited as ts.Expression, f.createStringLiteral(type)]);
    };
    return ts.visitEachChild(sf, visit, context);
  };
}
