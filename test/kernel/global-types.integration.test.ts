// The launcher (scripts/kernel/tslab-kernel.cjs) gives tslab's compiler `types: ["node"]`: Node.js globals are
// there, types of imported packages still resolve, and the DOM that @types/jsdom would add to every program is not.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { executeNotebookObject, type Notebook } from "../../scripts/runner";

const NOTEBOOKS = path.resolve(__dirname, "..", "..", "notebooks");

function code(id: string, source: string) {
  return { cell_type: "code" as const, execution_count: null, id, metadata: {}, outputs: [], source };
}

/** Everything a cell printed or raised, as one string. */
function printed(cell: Notebook["cells"][number]): string {
  if (cell.cell_type !== "code") return "";
  return cell.outputs
    .map((o) => (o.output_type === "stream" ? o.text : o.output_type === "error" ? [o.ename, o.evalue, ...o.traceback].join("\n") : ""))
    .join("\n");
}

test("a kernel in notebooks/ sees Node.js globals and imported packages' types, not the DOM", async () => {
  const notebook = {
    cells: [
      code("node", 'const version: string = process.version;\nconsole.log("node globals", typeof version, Buffer.from("ab").length);'),
      code("imported", 'import type { SemVer } from "semver";\nconst none: SemVer | undefined = undefined;\nconsole.log("imported types", none === undefined);'),
      code("dom", "console.log(typeof document);"),
    ],
    metadata: { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" } },
    nbformat: 4,
    nbformat_minor: 5,
  } as unknown as Notebook;
  // notebooks/ is where tslab looks for type roots exactly as for the workbook's own notebooks.
  const result = await executeNotebookObject(notebook, { cwd: NOTEBOOKS, allowErrors: true, timeout: 120 });
  const [node, imported, dom] = result.notebook.cells.map(printed);
  assert.match(node, /node globals string 2/);
  assert.match(imported, /imported types true/);
  assert.match(dom, /Cannot find name 'document'/);
  assert.deepEqual(result.cells.map((c) => c.status), ["ok", "ok", "error"]);
});
