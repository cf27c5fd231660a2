// The public API (src/index.ts, what notebooks import as "../dist"): every export has a doc comment, src/README.md
// lists every export, and every name a notebook imports from "../dist" is exported (so a curated barrel cannot drop
// one a notebook still uses).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, test } from "node:test";
import ts from "typescript";

const root = path.resolve(__dirname, "../..");
const indexFile = path.join(root, "src", "index.ts");

let exported: Map<string, ts.Symbol>;
let checker: ts.TypeChecker;

before(() => {
  // Exports and their doc comments live in src/: the program reads only our own files. Packages' declarations and
  // TypeScript's lib files (types, not names or comments) are left empty, which cuts the test's CPU time from ~5.5 s
  // to ~1.5 s. Type errors are `npm run typecheck`'s job, not this test's.
  const options: ts.CompilerOptions = { noEmit: true, noLib: true, types: [], module: ts.ModuleKind.Preserve, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022 };
  const host = ts.createCompilerHost(options);
  const readOwn = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    /[\\/]node_modules[\\/]/.test(file) ? ts.createSourceFile(file, "export {};", language) : readOwn(file, language, ...rest);
  const program = ts.createProgram([indexFile], options, host);
  checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(indexFile)!)!;
  exported = new Map(checker.getExportsOfModule(moduleSymbol).map((s) => [s.getName(), s]));
});

/** The names a notebook imports from the helper module ("../dist" or "../../dist"). */
function notebookImports(file: string): string[] {
  const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
  const code = notebook.cells.filter((c) => c.cell_type === "code").map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source)).join("\n");
  return [...code.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*"(?:\.\.\/)+dist"/g)].flatMap((m) =>
    m[1].split(",").map((n) => n.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]).filter(Boolean));
}

test("every name a notebook imports from the helper module is exported by src/index.ts", () => {
  const notebooks = [
    ...fs.readdirSync(path.join(root, "notebooks")).filter((n) => n.endsWith(".ipynb")).map((n) => path.join(root, "notebooks", n)),
    path.join(root, "test", "book", "show-smoke.ipynb"),
  ];
  const missing = notebooks.flatMap((file) => notebookImports(file).filter((name) => !exported.has(name)).map((name) => `${path.relative(root, file)}: ${name}`));
  assert.ok(notebooks.some((file) => notebookImports(file).length > 0), "no notebook imports found: the pattern is out of date");
  assert.deepEqual(missing, []);
});

test("every export of src/index.ts has a doc comment", () => {
  assert.ok(exported.size > 50, `only ${exported.size} exports found: the barrel was not read`);
  const undocumented = [...exported].filter(([, symbol]) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    return ts.displayPartsToString(target.getDocumentationComment(checker)).trim() === "";
  }).map(([name]) => name);
  assert.deepEqual(undocumented, []);
});

test("src/README.md lists every export of src/index.ts, and no name it does not export", () => {
  const readme = fs.readFileSync(path.join(root, "src", "README.md"), "utf8");
  const api = readme.slice(readme.indexOf("## The public API"));
  assert.ok(api.length > 0 && readme.includes("## The public API"), "src/README.md has no '## The public API' section");
  const listed = new Set([...api.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]));
  assert.deepEqual([...exported.keys()].filter((name) => !listed.has(name)), [], "exported but not listed in src/README.md");
  const tableNames = [...api.matchAll(/^\|[^|]*\|\s*(.*)\|\s*$/gm)].flatMap((m) => [...m[1].matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((n) => n[1]));
  assert.deepEqual(tableNames.filter((name) => !exported.has(name)), [], "listed in src/README.md's API table but not exported");
});
