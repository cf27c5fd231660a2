// Preloaded (NODE_OPTIONS --require) by test/harness/main.ts into the processes it starts: each test process and
// each step (tsc). At exit such a process writes the CPU seconds it used, its own and those of the children it waited
// for (kernels, Chromium, Python, CLIs), to TEST_CPU_DIR/<pid>.json, so the driver can report CPU per test file.
// Plain CommonJS, so it loads before tsx. Only direct children of the driver record; they drop this preload from
// NODE_OPTIONS, so their own children (node kernels, CLIs) do not load it again.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const dir = process.env.TEST_CPU_DIR;
const parent = Number(process.env.TEST_CPU_PARENT);
if (process.env.NODE_OPTIONS) {
  process.env.NODE_OPTIONS = process.env.NODE_OPTIONS.replace(/\s*--require[= ]"[^"]*cpu-usage\.cjs"/, "").trim();
  if (process.env.NODE_OPTIONS === "") delete process.env.NODE_OPTIONS;
}
delete process.env.TEST_CPU_DIR;
delete process.env.TEST_CPU_PARENT;

if (dir && process.ppid === parent) {
  process.on("exit", () => {
    try {
      // /proc/self/stat fields 14–17: utime, stime, cutime, cstime in clock ticks (100 per second on Linux).
      const stat = fs.readFileSync("/proc/self/stat", "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const [user, system, childUser, childSystem] = fields.slice(11, 15).map(Number);
      const record = { pid: process.pid, argv: process.argv.slice(1), seconds: (user + system + childUser + childSystem) / 100 };
      fs.writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(record));
    } catch {
      // No /proc (not Linux): the driver reports no CPU figure.
    }
  });
}
