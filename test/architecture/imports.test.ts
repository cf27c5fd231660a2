// The shape of src/: no import cycle (type-only imports count: they still tie two modules together), no file that
// only tests use (it would ship in dist/ for nothing), and no folder importing one its README does not allow.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import ts from "typescript";

const root = path.resolve(__dirname, "../..");
const src = path.join(root, "src");

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : tsFiles(full);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** Every relative module specifier of a file: imports, `import type`, re-exports and `import()`. */
function specifiers(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((s) => s.startsWith("."));
}

/** The file a relative specifier names (`./x` → x.ts or x/index.ts), or undefined for anything else. */
function resolve(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, "index.ts"), base].find((c) => c.endsWith(".ts") && fs.existsSync(c));
}

/** The import graph of a set of files, restricted to targets inside src/. */
function graph(files: readonly string[]): Map<string, string[]> {
  return new Map(files.map((f) => [f, specifiers(f).map((s) => resolve(f, s)).filter((t): t is string => !!t && t.startsWith(src + path.sep))]));
}

const rel = (file: string) => path.relative(root, file);
const srcFiles = tsFiles(src);
const srcGraph = graph(srcFiles);

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(g: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (g.get(v) ?? []).includes(v)) out.push(component.map(rel).sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) connect(v);
  return out;
}

test("src/ has no import cycle, counting type-only imports", () => {
  assert.deepEqual(cycles(srcGraph), []);
});

test("the cycle finder finds a cycle (so the test above can fail)", () => {
  const g = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]);
  assert.deepEqual(cycles(g).map((c) => c.length), [3]);
});

test("every file in src/ is reachable from the public API or from scripts/, not only from tests", () => {
  // Entry points: the barrel notebooks import as "../dist", and whatever the project's own tools import.
  const scriptImports = [...graph(tsFiles(path.join(root, "scripts"))).values()].flat();
  const reached = new Set<string>();
  const queue = [path.join(src, "index.ts"), ...scriptImports];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (reached.has(file)) continue;
    reached.add(file);
    queue.push(...(srcGraph.get(file) ?? []));
  }
  const testGraph = graph(tsFiles(path.join(root, "test")));
  const unreached = srcFiles.filter((f) => !reached.has(f)).map((f) => {
    const users = [...testGraph].filter(([, targets]) => targets.includes(f)).map(([t]) => rel(t));
    return `${rel(f)} (imported by ${users.length > 0 ? users.join(", ") : "nothing"})`;
  });
  assert.deepEqual(unreached, [], "move test-only code to test/helpers/, or delete what nothing uses");
});

/** The folders a src/ folder's README allows it to import: its line "May import: `a`, `b`" (or "nothing"). */
function allowedImports(folder: string): Set<string> {
  const readme = path.join(src, folder, "README.md");
  assert.ok(fs.existsSync(readme), `src/${folder}/ has no README.md saying what it owns and what it may import`);
  const line = fs.readFileSync(readme, "utf8").split("\n").find((l) => /^May import:/.test(l));
  assert.ok(line, `src/${folder}/README.md has no "May import:" line`);
  return new Set([...line.matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/^src\//, "").replace(/\/$/, "")));
}

test("each src/ folder imports only the folders its README allows", () => {
  const folders = fs.readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  const problems: string[] = [];
  for (const folder of folders) {
    const allowed = allowedImports(folder);
    for (const [file, targets] of srcGraph) {
      if (!file.startsWith(path.join(src, folder) + path.sep)) continue;
      for (const target of targets) {
        const other = path.relative(src, target).split(path.sep)[0];
        if (other !== folder && !allowed.has(other)) problems.push(`${rel(file)} imports ${rel(target)}, but src/${folder}/README.md allows only [${[...allowed].join(", ")}]`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
