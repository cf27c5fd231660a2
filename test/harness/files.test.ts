// Which files `npm test -- …` and `npm run test:unit -- …` run, on this project's own test tree.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { projectRoot } from "../../src/model/paths";
import { tempDir } from "../helpers/temp-dir";
import { findTestFiles, readsSharedWorkbook, selectTestFiles } from "./files";

const root = projectRoot();

test("a path is read from the folder the command was typed in, or else from the project root", () => {
  const fromSubfolder = selectTestFiles(root, ["lists.test.ts"], path.join(root, "test", "tensor"), undefined);
  assert.deepEqual(fromSubfolder, [path.join("test", "tensor", "lists.test.ts")]);
  const rootRelative = selectTestFiles(root, ["test/tensor/lists.test.ts"], path.join(root, "test", "tensor"), undefined);
  assert.deepEqual(rootRelative, fromSubfolder);
  assert.throws(() => selectTestFiles(root, ["no-such.test.ts"], root, undefined), /no-such\.test\.ts: no test file \(\*\.test\.ts\) is, or is under, this path/);
});

test("a group filter that leaves a named path with nothing to run is an error saying how to run it", () => {
  assert.throws(
    () => selectTestFiles(root, ["test/runner/protocol.integration.test.ts"], root, "unit"),
    /only integration test files are there, and --unit leaves those out; run them with `npm test -- test\/runner\/protocol\.integration\.test\.ts`/,
  );
  assert.throws(() => selectTestFiles(root, ["test/harness"], root, "integration"), /only unit test files are there, and --integration leaves those out/);
  // A folder with both keeps the group asked for.
  const units = selectTestFiles(root, ["test/runner"], root, "unit");
  assert.ok(units.length > 0 && units.every((file) => !file.endsWith(".integration.test.ts")), units.join(", "));
});

test("the files that read the shared executed workbook are those importing test/helpers/workbook.ts", (t) => {
  const readers = findTestFiles(root).filter((file) => readsSharedWorkbook(root, file));
  assert.ok(readers.includes(path.join("test", "runner", "workbook-parity.integration.test.ts")), readers.join(", "));
  assert.ok(readers.includes(path.join("test", "workbook", "workbook.test.ts")), readers.join(", "));
  assert.ok(!readers.includes(path.join("test", "runner", "protocol.integration.test.ts")), readers.join(", "));
  const dir = tempDir(t, "reads-workbook-");
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  assert.equal(readsSharedWorkbook(root, file("deep.test.ts", 'import { executedWorkbook } from "../../helpers/workbook";\n')), true);
  assert.equal(readsSharedWorkbook(root, file("single.test.ts", "import { workbookNames } from '../helpers/workbook';\n")), true);
  assert.equal(readsSharedWorkbook(root, file("other.test.ts", 'import { x } from "../helpers/workbook-names";\nconst s = "helpers/workbook";\n')), false);
});
