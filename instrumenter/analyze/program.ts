/**
 * The module set of a program and the ts.Program its analysis runs on.
 *
 * A program's modules are its entry module and every module it loads at run time,
 * transitively: relative imports that resolve inside the OS tree (as the image loader
 * resolves them: "./x.js" names "./x.ts"), minus the imports TypeScript elides when
 * it compiles a module on its own (`import type`, and imports whose bindings are only
 * used as types). Those modules never run in the process, so they hold no state of it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "../../os/boot/typescript.js";
import { type Diagnostic, diagnosticAt, diagnosticInFile, relativeToRoot } from "./diagnostics.js";
import { isTypePosition } from "./syntax.js";

/** How process code is compiled: ES2022, strict, no host (Node) types. */
const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  types: [],
  noEmit: true,
  skipLibCheck: true,
};

/** What every analysis of one OS tree works on. */
export interface AnalysisContext {
  /** Absolute path of the OS root; module paths are relative to it. */
  osRoot: string;
  program: ts.Program;
  checker: ts.TypeChecker;
}

/**
 * One ts.Program over these entry files (absolute paths) and all they import; it can
 * serve several OS trees. `host`: where the sources come from (default: the files).
 */
export function createProgram(entryFiles: readonly string[], host?: ts.CompilerHost): ts.Program {
  return ts.createProgram({ rootNames: [...entryFiles], options: COMPILER_OPTIONS, host });
}

/** The file system's compiler host for process code, to build another host on. */
export function createCompilerHost(): ts.CompilerHost {
  return ts.createCompilerHost(COMPILER_OPTIONS);
}

export function analysisContext(osRoot: string, program: ts.Program): AnalysisContext {
  return { osRoot: path.resolve(osRoot), program, checker: program.getTypeChecker() };
}

/** Inside the OS root and not in a package (node_modules) there. */
export function isInOsTree(ctx: AnalysisContext, fileName: string): boolean {
  const rel = relativeToRoot(ctx.osRoot, fileName);
  return !rel.startsWith("../") && rel !== ".." && !path.isAbsolute(rel) && !rel.split("/").includes("node_modules");
}

/** "servers/pm/state.ts" */
export function modulePathOf(ctx: AnalysisContext, sf: ts.SourceFile): string {
  return relativeToRoot(ctx.osRoot, sf.fileName);
}

export interface ModuleSet {
  /** The entry first, then the others sorted by path. */
  modules: ts.SourceFile[];
  /** Module path -> the module paths it loads, sorted. */
  imports: Map<string, string[]>;
  diagnostics: Diagnostic[];
}

/** The modules `entryModule` (relative to the OS root) loads, transitively; a worklist, not recursion. */
export function collectModuleSet(ctx: AnalysisContext, entryModule: string): ModuleSet {
  const imports = new Map<string, string[]>();
  const diagnostics: Diagnostic[] = [];
  const entry = ctx.program.getSourceFile(path.join(ctx.osRoot, entryModule));
  if (!entry) {
    diagnostics.push(diagnosticInFile(entryModule, "unresolved-import", `entry module "${entryModule}" does not exist`,
      "check the program table (boot/programs.ts) and that the file is part of the analysed program"));
    return { modules: [], imports, diagnostics };
  }
  const found = new Map<string, ts.SourceFile>([[entryModule, entry]]);
  const pending = [entry];
  for (let sf = pending.pop(); sf; sf = pending.pop()) {
    const loaded: string[] = [];
    for (const { specifier, node } of runtimeImportSpecifiers(ctx.checker, sf)) {
      const target = resolveRelative(ctx, sf, specifier);
      if (!target) {
        diagnostics.push(diagnosticAt(ctx.osRoot, node, "unresolved-import",
          `import "${specifier}" does not name a module of the OS tree`,
          "processes load only relative imports of .ts files inside the OS root (write \"./x.js\" for ./x.ts)"));
        continue;
      }
      const targetPath = modulePathOf(ctx, target);
      if (!loaded.includes(targetPath)) loaded.push(targetPath);
      if (!found.has(targetPath)) {
        found.set(targetPath, target);
        pending.push(target);
      }
    }
    imports.set(modulePathOf(ctx, sf), loaded.sort());
  }
  const others = [...found.entries()].filter(([p]) => p !== entryModule).sort(([a], [b]) => (a < b ? -1 : 1));
  return { modules: [entry, ...others.map(([, sf]) => sf)], imports, diagnostics };
}

/** The image loader's resolution: relative, inside the root, ".js" meaning ".ts". Non-relative imports are not modules of the OS. */
function resolveRelative(ctx: AnalysisContext, from: ts.SourceFile, specifier: string): ts.SourceFile | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
  const file = path.resolve(path.dirname(from.fileName), specifier.replace(/\.js$/, ".ts"));
  return isInOsTree(ctx, file) ? ctx.program.getSourceFile(file) : undefined;
}

interface ImportSite {
  specifier: string;
  node: ts.Node;
}

/** Import and re-export specifiers of `sf` that survive TypeScript's import elision, and dynamic imports. */
function runtimeImportSpecifiers(checker: ts.TypeChecker, sf: ts.SourceFile): ImportSite[] {
  const sites: ImportSite[] = [];
  const valueUse = valueReferencedAliases(checker, sf);
  for (const statement of sf.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const bindings = clause && !clause.isTypeOnly ? importedBindings(clause) : [];
      const kept = !clause || bindings.some((b) => valueUse.has(checker.getSymbolAtLocation(b)));
      if (kept) sites.push({ specifier: statement.moduleSpecifier.text, node: statement.moduleSpecifier });
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.exportClause;
      const kept = !statement.isTypeOnly
        && (!clause || !ts.isNamedExports(clause) || clause.elements.length === 0 || clause.elements.some((e) => !e.isTypeOnly));
      if (kept) sites.push({ specifier: statement.moduleSpecifier.text, node: statement.moduleSpecifier });
    }
  }
  const findDynamic = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) sites.push({ specifier: arg.text, node: arg });
    }
    ts.forEachChild(node, findDynamic);
  };
  findDynamic(sf);
  return sites;
}

/** The local names an import clause binds, type-only ones left out. */
function importedBindings(clause: ts.ImportClause): ts.Identifier[] {
  const names: ts.Identifier[] = clause.name ? [clause.name] : [];
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name);
  if (bindings && ts.isNamedImports(bindings)) names.push(...bindings.elements.filter((e) => !e.isTypeOnly).map((e) => e.name));
  return names;
}

/** Import aliases of `sf` referenced somewhere TypeScript emits code: outside types, imports and ambient declarations. */
function valueReferencedAliases(checker: ts.TypeChecker, sf: ts.SourceFile): Set<ts.Symbol | undefined> {
  const used = new Set<ts.Symbol | undefined>();
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isImportEqualsDeclaration(node) || ts.isInterfaceDeclaration(node)
      || ts.isTypeAliasDeclaration(node) || (ts.isExportDeclaration(node) && (node.isTypeOnly || node.moduleSpecifier))) return;
    if (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) return;
    if (isTypePosition(node)) return;
    if (ts.isExportSpecifier(node)) {
      if (!node.isTypeOnly) used.add(checker.getExportSpecifierLocalTargetSymbol(node));
      return;
    }
    if (ts.isShorthandPropertyAssignment(node)) used.add(checker.getShorthandAssignmentValueSymbol(node));
    if (ts.isIdentifier(node)) used.add(checker.getSymbolAtLocation(node));
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return used;
}

/**
 * The program table of an OS tree: name -> entry module, read from the object literal
 * `PROGRAMS` in boot/programs.ts without running it.
 */
export function readProgramTable(osRoot: string): Record<string, string> {
  const table: Record<string, string> = {};
  const literal = programsConstant(osRoot, "PROGRAMS");
  if (!literal || !ts.isObjectLiteralExpression(literal)) throw new Error(`${programsFile(osRoot)}: no object literal PROGRAMS`);
  for (const prop of literal.properties) {
    if (ts.isPropertyAssignment(prop) && ts.isStringLiteralLike(prop.initializer)
      && (ts.isIdentifier(prop.name) || ts.isStringLiteralLike(prop.name))) {
      table[prop.name.text] = prop.initializer.text;
    }
  }
  return table;
}

/**
 * The programs boot/programs.ts lists in the array `USER_PROGRAMS`: ones that run only as
 * user processes, which live update never replaces (none if there is no such list).
 * `table`: the tree's program table, which must hold every one.
 */
export function readUserPrograms(osRoot: string, table: Record<string, string>): Set<string> {
  const literal = programsConstant(osRoot, "USER_PROGRAMS");
  if (!literal) return new Set();
  if (!ts.isArrayLiteralExpression(literal) || !literal.elements.every(ts.isStringLiteralLike)) {
    throw new Error(`${programsFile(osRoot)}: USER_PROGRAMS must be an array of program names, written as string literals`);
  }
  const names = literal.elements.map((e) => (e as ts.StringLiteralLike).text);
  const strangers = names.filter((name) => !Object.hasOwn(table, name));
  if (strangers.length > 0) throw new Error(`${programsFile(osRoot)}: USER_PROGRAMS names no program ${strangers.map((n) => `"${n}"`).join(", ")}`);
  return new Set(names);
}

/** The file of an OS tree's program table. */
export function programsFile(osRoot: string): string {
  return path.join(osRoot, "boot", "programs.ts");
}

/** The initializer of the top-level constant `name` of boot/programs.ts (through `as` and `satisfies`), read without running it. */
function programsConstant(osRoot: string, name: string): ts.Expression | undefined {
  const file = programsFile(osRoot);
  const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const decl of statement.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name) || decl.name.text !== name || !decl.initializer) continue;
      let init = decl.initializer;
      while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init)) init = init.expression;
      return init;
    }
  }
  return undefined;
}
