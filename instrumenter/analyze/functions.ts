/**
 * Function identities: the functions that exist exactly once per module instance, so
 * that a function value in the state can be transferred as a name and relocated to
 * the new version's function of the same name.
 *
 * Qualified names ("module#…"):
 *   fn                     top-level function (`default` for an anonymous default export)
 *   Class                  a top-level class (its constructor)
 *   Class.m, Class.static.m              methods
 *   Class.get.x, Class.set.x             accessors (Class.static.get.x for static ones)
 *   Class.f                a field initialised with a function (one per instance, bound to it)
 *   v, v.p, v[i], v(i)     functions written in the initializer of module-level variable v:
 *                          the initializer itself, a property of an object literal, an array
 *                          element, an argument of a call or `new`; elsewhere v@line:column
 * Functions created inside other functions are closures, not identities.
 */
import ts from "../../os/boot/typescript.js";
import type { FunctionIdentity } from "../metadata/schema.js";
import { hasModifier, isFunctionExpression, lineOf, memberNameText, skipWrappers } from "./syntax.js";

export interface LocatedFunctionIdentity {
  identity: FunctionIdentity;
  node: ts.Node;
}

/** Every function identity of `sf`, in source order. */
export function collectFunctionIdentities(sf: ts.SourceFile, modulePath: string): LocatedFunctionIdentity[] {
  const found: LocatedFunctionIdentity[] = [];
  /** `fn`: the function itself, when `node` only holds it (a field). */
  const add = (name: string, kind: FunctionIdentity["kind"], node: ts.Node, isStatic = false, fn: ts.Node = node) => {
    found.push({
      node,
      identity: {
        name, qualifiedName: `${modulePath}#${name}`, kind, static: isStatic,
        async: hasModifier(fn, ts.SyntaxKind.AsyncKeyword),
        generator: (fn as ts.Node & { asteriskToken?: ts.AsteriskToken }).asteriskToken !== undefined,
        line: lineOf(ts.getNameOfDeclaration(node as ts.Declaration) ?? node),
      },
    });
  };

  const classMembers = (cls: ts.ClassLikeDeclaration, prefix: string) => {
    add(prefix, "class", cls);
    for (const member of cls.members) {
      if (!member.name) continue;
      const isStatic = hasModifier(member, ts.SyntaxKind.StaticKeyword);
      const base = `${prefix}.${isStatic ? "static." : ""}`;
      const name = memberNameText(member.name);
      if (ts.isMethodDeclaration(member) && member.body) add(`${base}${name}`, "method", member, isStatic);
      else if (ts.isGetAccessorDeclaration(member) && member.body) add(`${base}get.${name}`, "getter", member, isStatic);
      else if (ts.isSetAccessorDeclaration(member) && member.body) add(`${base}set.${name}`, "setter", member, isStatic);
      else if (ts.isPropertyDeclaration(member) && member.initializer) {
        const value = skipWrappers(member.initializer);
        if (isFunctionExpression(value)) add(`${base}${name}`, "fieldFunction", member, isStatic, value);
      }
    }
  };

  /** Functions an initializer evaluates once, at load, named by where they sit in it. */
  const inInitializer = (node: ts.Expression, at: string): void => {
    const e = skipWrappers(node);
    if (isFunctionExpression(e)) add(at, "expression", e);
    else if (ts.isClassExpression(e)) classMembers(e, at);
    else if (ts.isObjectLiteralExpression(e)) {
      for (const prop of e.properties) {
        if (!prop.name) continue;
        const name = memberNameText(prop.name);
        if (ts.isPropertyAssignment(prop)) inInitializer(prop.initializer, `${at}.${name}`);
        else if (ts.isMethodDeclaration(prop)) add(`${at}.${name}`, "method", prop);
        else if (ts.isGetAccessorDeclaration(prop)) add(`${at}.get.${name}`, "getter", prop);
        else if (ts.isSetAccessorDeclaration(prop)) add(`${at}.set.${name}`, "setter", prop);
      }
    } else if (ts.isArrayLiteralExpression(e)) e.elements.forEach((el, i) => inInitializer(el, `${at}[${i}]`));
    else if (ts.isCallExpression(e) || ts.isNewExpression(e)) e.arguments?.forEach((arg, i) => inInitializer(arg, `${at}(${i})`));
    else {
      const elsewhere = (n: ts.Node): void => {
        if (isFunctionExpression(n) || ts.isClassExpression(n)) {
          const { line, character } = sf.getLineAndCharacterOfPosition(n.getStart(sf));
          inInitializer(n, `${at}@${line + 1}:${character + 1}`);
        } else ts.forEachChild(n, elsewhere);
      };
      ts.forEachChild(e, elsewhere);
    }
  };

  for (const statement of sf.statements) {
    if (hasModifier(statement, ts.SyntaxKind.DeclareKeyword)) continue; // ambient: nothing exists at run time
    if (ts.isFunctionDeclaration(statement) && statement.body) add(statement.name?.text ?? "default", "function", statement);
    else if (ts.isClassDeclaration(statement)) classMembers(statement, statement.name?.text ?? "default");
    else if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        // Functions inside a destructured initializer are not named: no single binding holds them.
        if (ts.isIdentifier(decl.name) && decl.initializer) inInitializer(decl.initializer, decl.name.text);
      }
    } else if (ts.isExportAssignment(statement) && !statement.isExportEquals) inInitializer(statement.expression, "default");
  }
  return found;
}
