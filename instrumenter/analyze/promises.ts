/**
 * Promises the program makes: `new Promise(executor)`, Promise being the built-in.
 *
 * Code awaiting such a promise resumes only when the program settles it, from code
 * that runs later (a request releasing a lock another one waits for): while it is
 * pending, that code is in flight, and nothing the kernel knows says so. So the runtime
 * counts each pending (../transform/quiescence.ts). The OS's lib/ipc.ts is the one
 * exception: its promises wait for the kernel's operations (receive, sendrec, send),
 * which the kernel itself reports, and they are made for every message: counting them
 * would cost about 3% of a run and tell nothing new.
 */
import ts from "../../os/boot/typescript.js";
import { type AnalysisContext, isInOsTree, modulePathOf } from "./program.js";
import { IPC_MODULE } from "./update-points.js";

/** Whether `node` is a `new Promise(executor)` of the program that the runtime counts (see above). */
export function isProgramPromise(ctx: AnalysisContext, node: ts.Node): node is ts.NewExpression {
  if (!ts.isNewExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== "Promise") return false;
  if (node.arguments?.length !== 1 || ts.isSpreadElement(node.arguments[0]!)) return false;
  const sf = node.getSourceFile();
  if (modulePathOf(ctx, sf) === IPC_MODULE) return false;
  const decls = ctx.checker.getSymbolAtLocation(node.expression)?.declarations ?? [];
  return decls.length > 0 && decls.every((d) => !isInOsTree(ctx, d.getSourceFile().fileName));
}
