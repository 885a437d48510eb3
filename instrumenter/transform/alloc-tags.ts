/**
 * Pass: allocation-site tags. Each allocation site of the analysis
 * (../analyze/allocations.ts) gets the id of its static type under the symbol key
 * `Symbol.for("proteos.type")`, so that state transfer can tell what any object of
 * the heap was allocated as:
 *
 *   object literal      a computed property at its end (an in-object slot, no call):
 *                       { type: OK, count: n, [__rtType]: "include/ipc.ts#Message" }
 *   array, new Array,   through the runtime, which sets the tag and returns the object:
 *   new Map, new Set    __rt.tag(new Map(), "Map<number, servers/mfs/inode.ts#Inode>")
 *
 * with `const __rtType = __rt.TYPE;` at the top of a module that tags object literals.
 * Symbol keys are skipped by Object.keys, for-in and JSON.stringify, so the tags
 * change no behaviour and never reach a message (the kernel copies Object.keys).
 * The tag comes last in a literal so that it wins over one a spread copied in.
 * Instances of classes are not tagged: the runtime knows them by their constructor.
 */
import ts from "typescript";
import { type ModulePlan, siteKey } from "./plan.js";
import { constStatement, RT, RT_TYPE, rtCall } from "./runtime-binding.js";

const f = ts.factory;

export function allocTags(plan: ModulePlan): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (sf) => {
    let taggedObjects = false;
    const visit = (node: ts.Node): ts.Node => {
      const visited = ts.visitEachChild(node, visit, context);
      const type = plan.tags.get(siteKey(node));
      if (type === undefined) return visited;
      if (ts.isObjectLiteralExpression(visited)) {
        taggedObjects = true;
        const tag = f.createPropertyAssignment(f.createComputedPropertyName(f.createIdentifier(RT_TYPE)), f.createStringLiteral(type));
        return f.updateObjectLiteralExpression(visited, [...visited.properties, tag]);
      }
      return rtCall("tag", [visited as ts.Expression, f.createStringLiteral(type)]);
    };
    const tagged = ts.visitEachChild(sf, visit, context);
    if (!taggedObjects) return tagged;
    const typeKey = constStatement(RT_TYPE, f.createPropertyAccessExpression(f.createIdentifier(RT), "TYPE"));
    return f.updateSourceFile(tagged, [typeKey, ...tagged.statements]);
  };
}
