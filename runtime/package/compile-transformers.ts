/**
 * Hand-written transformers, from the new tree's update/<program>.ts to the CommonJS
 * code a package carries (see README.md, "Transformers").
 *
 * A transformer file sees both versions' types: the new version's by relative imports
 * in its own tree ("../servers/vfs/state.js"), the old version's as
 * "proteos:old/servers/vfs/state.js", and the transfer's types (Transformers,
 * TransformHelpers) as "proteos:update". Its default export is a Transformers object.
 * All the files are type-checked together, strictly; then each is compiled on its own.
 *
 * It may import only types: in the running system a transformer runs in a realm of its
 * own with nothing to import (transformers.ts), so a value import is refused here, where
 * it can be shown with its file and line, rather than failing during an update.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "../../os/boot/typescript.js";
import { CompileError, formatTsDiagnostic, showPath } from "./compile-errors.js";
import { BadVersionError } from "./sources.js";

/** Where transformers live in the new tree. */
export const TRANSFORMERS_DIR = "update";

/** The module "proteos:update" names: the transfer's Transformers and TransformHelpers. */
const TRANSFER_TYPES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../transfer/transformers.ts");

export interface TransformerTrees {
  /** The new version's tree (absolute), holding update/, and how the user names it. */
  root: string;
  shownRoot: string;
  /** The old version's tree (absolute): "proteos:old/…" resolves into it. */
  oldRoot: string;
}

/**
 * Compile every update/<program>.ts of the new tree: program name -> CommonJS code, for
 * makePackage. No update/ directory: no transformers. Throws CompileError listing every
 * type error and value import with file:line:column; BadVersionError when update/ cannot
 * be read (a file, not a directory; no permission).
 */
export function compileTransformers(trees: TransformerTrees): Map<string, string> {
  const files = transformerFiles(trees);
  if (files.length === 0) return new Map();

  const options = checkOptions(trees.oldRoot);
  const program = ts.createProgram({ rootNames: files, options, host: cachingHost(options) });
  const errors: string[] = program.getOptionsDiagnostics().map((d) => formatTsDiagnostic(d, trees.root, trees.shownRoot));
  const code = new Map<string, string>();
  for (const file of files) {
    const sf = program.getSourceFile(file)!;
    const shown = showPath(file, trees.root, trees.shownRoot);
    const found = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]
      .map((d) => ({ at: d.start ?? 0, text: formatTsDiagnostic(d, trees.root, trees.shownRoot) }));
    for (const node of valueImports(sf)) {
      const at = node.getStart(sf);
      found.push({ at, text: `${shown}:${position(sf, at)}: error: a transformer may import only types (\`import type { … }\`): `
        + "it runs in a realm of its own, with no modules to load" });
    }
    if (!sf.statements.some((s) => ts.isExportAssignment(s) && !s.isExportEquals)) {
      found.push({ at: sf.text.length, text: `${shown}:${position(sf, sf.text.length)}: error: no default export: `
        + "export the Transformers object (`export default { types: {…} } satisfies Transformers`)" });
    }
    errors.push(...found.sort((a, b) => a.at - b.at).map((e) => e.text));
    code.set(path.basename(file, ".ts"), ts.transpileModule(sf.text, {
      fileName: file, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText);
  }
  if (errors.length > 0) throw new CompileError("the transformers do not compile", errors);
  return code;
}

/** The update/*.ts files of the new tree (none without update/). */
function transformerFiles(trees: TransformerTrees): string[] {
  const dir = path.join(trees.root, TRANSFORMERS_DIR);
  if (!fs.existsSync(dir)) return [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    throw new BadVersionError(`cannot read the transformers in ${showPath(dir, trees.root, trees.shownRoot)}: ${(err as Error).message}`);
  }
  return names.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).sort().map((f) => path.join(dir, f));
}

/** Strict, as process code is; the two version namespaces mapped to their trees. */
function checkOptions(oldRoot: string): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    // Bundler resolution: "./x.js" finds "./x.ts" whatever package.json (if any) is above the tree.
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    types: [],
    noEmit: true,
    skipLibCheck: true,
    paths: { "proteos:old/*": [`${oldRoot}/*`], "proteos:update": [TRANSFER_TYPES] },
  };
}

/**
 * Declaration files (TypeScript's lib, zod's types behind "proteos:update") do not
 * change while we run, and parsing them is most of the cost of a compile: parse them
 * once per process (a test run or check-update compiles many times).
 */
const declarationFiles = new Map<string, ts.SourceFile>();

function cachingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const parse = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (!/\.d\.[cm]?ts$/.test(fileName)) return parse(fileName, languageVersion, onError, shouldCreate);
    let sf = declarationFiles.get(fileName);
    if (sf === undefined) {
      sf = parse(fileName, languageVersion, onError, shouldCreate);
      if (sf !== undefined) declarationFiles.set(fileName, sf);
    }
    return sf;
  };
  return host;
}

/** Imports and re-exports that would load a module when the transformer runs. */
function valueImports(sf: ts.SourceFile): ts.Node[] {
  const found: ts.Node[] = [];
  const allTypes = (names: ts.NamedImportBindings | ts.NamedExportBindings | undefined) =>
    names !== undefined && (ts.isNamedImports(names) || ts.isNamedExports(names)) && names.elements.every((e) => e.isTypeOnly);
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s)) {
      const clause = s.importClause;
      // `import { type A, type B }` is elided whole; `import "x"`, a default or namespace import is not.
      if (!clause || !(clause.isTypeOnly || (clause.name === undefined && allTypes(clause.namedBindings)))) found.push(s);
    } else if (ts.isImportEqualsDeclaration(s)) {
      if (!s.isTypeOnly && ts.isExternalModuleReference(s.moduleReference)) found.push(s);
    } else if (ts.isExportDeclaration(s) && s.moduleSpecifier !== undefined) {
      if (!(s.isTypeOnly || allTypes(s.exportClause))) found.push(s);
    }
  }
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function position(sf: ts.SourceFile, at: number): string {
  const { line, character } = sf.getLineAndCharacterOfPosition(at);
  return `${line + 1}:${character + 1}`;
}
