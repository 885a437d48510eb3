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
import { type Diagnostic, diagnosticAt } from "./diagnostics.js";
import { type AnalysisContext, isInOsTree, modulePathOf } from "./program.js";
import { memberNameText } from "./syntax.js";
import { IPC_MODULE } from "./update-points.js";

/** Whether `node` is a `new Promise(executor)` of the program that the runtime counts (see above). */
export function isProgramPromise(ctx: AnalysisContext, node: ts.Node): node is ts.NewExpression {
  if (!ts.isNewExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== "Promise") return false;
  if (node.arguments?.length !== 1 || ts.isSpreadElement(node.arguments[0]!)) return false;
  const sf = node.getSourceFile();
  if (modulePathOf(ctx, sf) === IPC_MODULE) return false;
  return isBuiltIn(ctx, node.expression);
}

/**
 * A wait the runtime could not count, as an error: a `then` member (a thenable keeps the
 * callbacks of whoever awaits it, to call them later) or a class extending Promise (its
 * constructor calls the built-in's, not `__rt.promise`).
 */
export function unseenWait(ctx: AnalysisContext, node: ts.Node): Diagnostic | undefined {
  if ((ts.isMethodDeclaration(node) || ts.isPropertyDeclaration(node) || ts.isPropertyAssignment(node)
    || ts.isShorthandPropertyAssignment(node) || ts.isGetAccessorDeclaration(node)) && memberNameText(node.name) === "then") {
    return diagnosticAt(ctx.osRoot, node.name, "unseen-wait",
      "a `then` member makes a thenable: code awaiting it waits on callbacks it keeps, which live update cannot see "
      + "(it could take the process for request-free meanwhile)", "await a `new Promise` instead, or rename the member");
  }
  const base = ts.isHeritageClause(node) && node.token === ts.SyntaxKind.ExtendsKeyword ? node.types[0]?.expression : undefined;
  if (base && ts.isIdentifier(base) && base.text === "Promise" && isBuiltIn(ctx, base)) {
    return diagnosticAt(ctx.osRoot, base, "unseen-wait",
      "a subclass of Promise makes its promises where live update cannot count them while they are pending",
      "make them with `new Promise`");
  }
  return undefined;
}

/** `name` resolves to a declaration outside the OS tree (a built-in, from TypeScript's lib files). */
function isBuiltIn(ctx: AnalysisContext, name: ts.Identifier): boolean {
  const decls = ctx.checker.getSymbolAtLocation(name)?.declarations ?? [];
  return decls.length > 0 && decls.every((d) => !isInOsTree(ctx, d.getSourceFile().fileName));
}
