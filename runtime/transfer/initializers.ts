/**
 * A class field's initializer, evaluated in the new version's realm: what an added (or
 * @transient) field of a transferred instance is set to. Metadata keeps the initializer
 * as source text; it is compiled once per transfer into a function of the new realm, so
 * that `new Map()` makes a Map of that realm, and called for each instance (`this` is
 * the instance, as in a constructor).
 *
 * The names it uses resolve as in its module, as far as the realm shows them: the
 * module's variables and function identities, then what the modules it imports export
 * under that name, then the realm's globals. Not visible: a constructor's other
 * parameters, and an import under another name (`import { a as b }`). The initializer
 * runs once per instance, at transfer time: an initializer with side effects on module
 * state (`id = nextId++`) does not have them.
 */
import ts from "../../os/boot/typescript.js";
import type { ProcessView } from "../process-view.js";
import { TransferError } from "./errors.js";

export type Initializer = (self: object) => unknown;

export class Initializers {
  private readonly compiled = new Map<string, Initializer>();

  constructor(private readonly to: ProcessView) {}

  /** The initializer `text` of a field declared in `module`. */
  get(module: string, text: string): Initializer {
    const key = `${module}\u0000${text}`;
    let init = this.compiled.get(key);
    if (!init) {
      init = this.compile(module, text);
      this.compiled.set(key, init);
    }
    return init;
  }

  private compile(module: string, text: string): Initializer {
    const expression = javascript(text);
    const names: string[] = [];
    const values: unknown[] = [];
    for (const name of referencedNames(expression)) {
      const found = this.lookup(module, name);
      if (found) {
        names.push(name);
        values.push(found.value);
      }
    }
    try {
      const factory = new this.to.intrinsics.Function(...names, `"use strict"; return function () { return (${expression.getText()}); };`);
      const fn = factory(...values) as (this: object) => unknown;
      return (self) => fn.call(self);
    } catch (e) {
      throw new TransferError("initializer", "", `initializer \`${text}\` of ${module} does not compile: ${(e as Error).message}`);
    }
  }

  /** What `name` means in `module` of the new version, if the realm shows it. */
  private lookup(module: string, name: string): { value: unknown } | undefined {
    const { rt, metadata, realm } = this.to;
    const own = rt.accessors(module)?.get[name];
    if (own) return { value: own() };
    const fn = rt.functionById(`${module}#${name}`);
    if (fn) return { value: fn };
    const imports = metadata.modules.find((m) => m.path === module)?.imports ?? [];
    for (const path of imports) {
      if (!realm.loaded(path)) continue;
      const exports = realm.require(path) as Record<string, unknown>;
      if (Object.hasOwn(exports, name)) return { value: exports[name] };
    }
    return undefined;
  }
}

/** The initializer as a JavaScript expression (TypeScript's type syntax removed). */
function javascript(text: string): ts.Expression {
  const js = ts.transpileModule(`(${text});`, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    reportDiagnostics: false,
  }).outputText;
  const source = ts.createSourceFile("initializer.js", js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  // The expression, after any "use strict" directive the emit adds.
  const statement = source.statements.filter((s) => ts.isExpressionStatement(s) && !ts.isStringLiteral(s.expression)).pop();
  if (!statement) throw new TransferError("initializer", "", `initializer \`${text}\` is no expression`);
  return (statement as ts.ExpressionStatement).expression;
}

/** Identifiers an expression reads (names of properties and of object literal keys excluded). */
function referencedNames(expression: ts.Expression): Set<string> {
  const names = new Set<string>();
  const stack: ts.Node[] = [expression];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isKey = (ts.isPropertyAccessExpression(parent) && parent.name === node)
        || ((ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent)) && parent.name === node);
      if (!isKey) names.add(node.text);
    }
    ts.forEachChild(node, (child) => {
      stack.push(child);
    });
  }
  return names;
}
