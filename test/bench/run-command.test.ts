// The bench's one child-process helper: output kept whole, exit codes passed on, and the child's CPU time read
// from this process's reaped-children account.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { outputTail, reapedChildrenCpuSeconds, runCommand } from "../../scripts/bench/run-command";
import { skipFor } from "../helpers/skip";

test("runCommand keeps stdout and stderr apart and whole, passes the exit code on, and reports the spawned pid", async () => {
  let pid = 0;
  const script = "process.stdout.write('x'.repeat(200000) + '\\nlast out\\n'); process.stderr.write('err line\\n'); process.exitCode = 3";
  const run = await runCommand(process.execPath, ["-e", script], { env: process.env, onSpawn: (p) => (pid = p) });
  assert.equal(run.code, 3);
  assert.ok(pid > 0);
  assert.equal(run.stdout.length, 200000 + "\nlast out\n".length);
  assert.equal(run.stderr, "err line\n");
  assert.ok(run.seconds > 0);
  assert.equal(outputTail(run, 2), "last out\nerr line");
});

test("runCommand counts the child's own CPU time, descendants it waited for included", { skip: skipFor(existsSync("/proc/self/stat") ? undefined : "no /proc here (Linux only)") }, async () => {
  // The child burns CPU in a grandchild it waits for, then reports that grandchild's measured CPU time. The
  // grandchild spins until its own CPU time has grown by 0.3 s: a loop timed by the wall clock could get little
  // CPU on a busy machine.
  const burn = [
    "const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };",
    "const start = cpu(); let x = 0;",
    "while (cpu() - start < 0.3) for (let i = 0; i < 10000; i++) x += Math.sqrt(x + 1);",
    "console.log(cpu());",
  ].join(" ");
  const parent = `const r = require('node:child_process').spawnSync(process.execPath, ['-e', ${JSON.stringify(burn)}], { encoding: 'utf8' }); process.stdout.write(r.stdout)`;
  const before = reapedChildrenCpuSeconds();
  const run = await runCommand(process.execPath, ["-e", parent], { env: process.env });
  assert.equal(run.code, 0, run.stderr);
  const grandchildCpu = Number(run.stdout.trim());
  assert.ok(grandchildCpu >= 0.3, `the grandchild reported ${grandchildCpu} s`);
  assert.ok(run.cpuSeconds !== null && before !== null);
  // /proc counts in 10 ms ticks.
  assert.ok(run.cpuSeconds >= grandchildCpu - 0.02, `runCommand saw ${run.cpuSeconds} s CPU; the grandchild alone used ${grandchildCpu} s`);
  assert.ok(reapedChildrenCpuSeconds()! - before >= run.cpuSeconds);
});
