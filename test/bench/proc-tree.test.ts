import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { processTree, residentBytes, samplePeakRss, treeResidentBytes } from "../../scripts/bench/proc-tree";

// A child that starts a grandchild holding `mb` MB of touched memory, then both wait to be killed.
function spawnTree(mb: number) {
  const grandchild = `const b = Buffer.alloc(${mb} * 2 ** 20, 1); setInterval(() => b[0]++, 1000); console.log("ready");`;
  const child = `const c = require("node:child_process").spawn(process.execPath, ["-e", ${JSON.stringify(grandchild)}], { stdio: ["ignore", "inherit", "inherit"] });
    process.on("SIGTERM", () => { c.kill(); process.exit(0); }); setInterval(() => {}, 1000);`;
  const proc = spawn(process.execPath, ["-e", child], { stdio: ["ignore", "pipe", "inherit"] });
  const ready = new Promise<void>((resolve) => proc.stdout.once("data", () => resolve()));
  return { proc, ready };
}

test("the tree holds the process and its grandchild, and their RSS adds up", async (t) => {
  const { proc, ready } = spawnTree(64);
  t.after(() => proc.kill("SIGTERM"));
  await ready;
  const tree = processTree(proc.pid!);
  assert.equal(tree[0], proc.pid);
  assert.equal(tree.length, 2, `tree ${tree}`);
  const total = treeResidentBytes(proc.pid!);
  assert.equal(total.processes, 2);
  assert.equal(total.bytes, residentBytes(tree[0]) + residentBytes(tree[1]));
  assert.ok(residentBytes(tree[1]) > 64 * 2 ** 20, "the grandchild's touched buffer is resident");
});

test("the sampler's peak includes memory held only by a grandchild", async (t) => {
  const { proc, ready } = spawnTree(96);
  t.after(() => proc.kill("SIGTERM"));
  const sampler = samplePeakRss(proc.pid!, 20);
  await ready;
  await new Promise((resolve) => setTimeout(resolve, 100));
  const peak = sampler.stop();
  assert.ok(peak.peakBytes > 96 * 2 ** 20, `peak ${peak.peakBytes}`);
  assert.equal(peak.peakProcesses, 2);
  assert.ok(peak.samples >= 2);
});

test("a process that has gone has no memory and no descendants", () => {
  assert.equal(residentBytes(2 ** 22 + 12345), 0);
  assert.deepEqual(processTree(2 ** 22 + 12345), [2 ** 22 + 12345]);
});
