/**
 * Module-level variables: the state of a module. Visits the top level of a module
 * (not function or class bodies) for
 *   - `let`, `const`, `var` declarations, exported or not, each name of a destructuring;
 *   - `var` declarations in top-level blocks and loops (they belong to the module scope);
 *   - static fields of top-level classes (state kept on the class object);
 *   - `export default <expression>` (a value the module holds, named "default").
 * `declare` statements are skipped: they describe globals the module does not own.
 */
import ts from "../../os/boot/typescript.js";
import type { Variable } from "../metadata/schema.js";
import { hasModifier, memberNameText } from "./syntax.js";

export interface ModuleVariable {
  name: string;
  declaration: Variable["declaration"];
  isConst: boolean;
  exported: boolean;
  /** Where its name is declared: the identifier, class field name, or the export default. */
  nameNode: ts.Node;
  /** The node whose type is the variable's: the name, or the expression of an export default. */
  typedNode: ts.Node;
  /** The node whose JSDoc carries its annotations. */
  annotationHost: ts.Node;
  /** The host declares several names at once. */
  bindsSeveral: boolean;
  initializer: ts.Expression | undefined;
  bindingPath: Array<string | number> | null;
  /** The type written in the declaration, if any (aliases are kept from it). */
  typeNode: ts.TypeNode | undefined;
}

function declarationKind(list: ts.VariableDeclarationList): "const" | "let" | "var" {
  if (list.flags & ts.NodeFlags.Const) return "const";
  return list.flags & ts.NodeFlags.Let ? "let" : "var";
}

/** Every module-level variable of `sf`, in source order. */
export function collectModuleVariables(sf: ts.SourceFile): ModuleVariable[] {
  const found: ModuleVariable[] = [];

  const fromDeclarationList = (list: ts.VariableDeclarationList, host: ts.Node, exported: boolean) => {
    const kind = declarationKind(list);
    const bindsSeveral = list.declarations.length > 1 || list.declarations.some((d) => !ts.isIdentifier(d.name));
    for (const decl of list.declarations) {
      const add = (name: ts.Identifier, bindingPath: Array<string | number> | null) => found.push({
        name: name.text, declaration: kind, isConst: kind === "const", exported, nameNode: name, typedNode: name,
        annotationHost: host, bindsSeveral, initializer: decl.initializer, bindingPath,
        typeNode: bindingPath ? undefined : decl.type,
      });
      if (ts.isIdentifier(decl.name)) add(decl.name, null);
      else bindingNames(decl.name, [], add);
    }
  };

  /** `var` anywhere in a top-level block or loop, not inside functions or classes. */
  const hoistedVars = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isVariableDeclarationList(node) && declarationKind(node) === "var") {
      fromDeclarationList(node, ts.isVariableStatement(node.parent) ? node.parent : node, false);
      return;
    }
    ts.forEachChild(node, hoistedVars);
  };

  for (const statement of sf.statements) {
    if (hasModifier(statement, ts.SyntaxKind.DeclareKeyword)) continue;
    if (ts.isVariableStatement(statement)) {
      fromDeclarationList(statement.declarationList, statement, hasModifier(statement, ts.SyntaxKind.ExportKeyword));
    } else if (ts.isClassDeclaration(statement)) {
      const className = statement.name?.text ?? "default";
      for (const member of statement.members) {
        if (!ts.isPropertyDeclaration(member) || !hasModifier(member, ts.SyntaxKind.StaticKeyword)) continue;
        found.push({
          name: `${className}.${memberNameText(member.name)}`, declaration: "classStatic",
          isConst: hasModifier(member, ts.SyntaxKind.ReadonlyKeyword),
          exported: hasModifier(statement, ts.SyntaxKind.ExportKeyword), nameNode: member.name, typedNode: member.name,
          annotationHost: member,
          bindsSeveral: false, initializer: member.initializer, bindingPath: null, typeNode: member.type,
        });
      }
    } else if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
      found.push({
        name: "default", declaration: "exportDefault", isConst: true, exported: true, nameNode: statement,
        typedNode: statement.expression,
        annotationHost: statement, bindsSeveral: false, initializer: statement.expression, bindingPath: null,
        typeNode: undefined,
      });
    } else {
      hoistedVars(statement);
    }
  }
  return found;
}

/** The names a destructuring binds, each with where in the value it comes from. */
function bindingNames(pattern: ts.BindingPattern, at: Array<string | number>,
  add: (name: ts.Identifier, path: Array<string | number>) => void): void {
  pattern.elements.forEach((element, index) => {
    if (ts.isOmittedExpression(element)) return;
    let step: string | number;
    if (ts.isArrayBindingPattern(pattern)) step = element.dotDotDotToken ? `...${index}` : index;
    else if (element.dotDotDotToken) step = "...";
    else step = (element.propertyName ?? element.name).getText();
    if (ts.isIdentifier(element.name)) add(element.name, [...at, step]);
    else bindingNames(element.name, [...at, step], add);
  });
}
