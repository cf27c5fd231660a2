// Guard process: started by the runner as the leader of a new process group, it runs the kernel inside that
// group and kills the whole group as soon as its stdin closes, i.e. when the runner exits for any reason,
// SIGKILL included. tslab has no parent watchdog of its own, so without this a crashed runner leaves kernels.
// It also removes the kernel's private connection directory (key file, ipc sockets) on that path, since the
// runner had no chance to.
// Usage: node kernel-guard.cjs <connection dir | -> <command> [args...]   (plain CommonJS: starts in ~40 ms)
"use strict";
const { spawn } = require("node:child_process");
const { rmSync } = require("node:fs");

const [connectionDir, command, ...args] = process.argv.slice(2);

// SIGINT is the kernel's interrupt and SIGTERM asks the kernel to stop: both are meant for the kernel, which gets
// them too because the runner signals the whole group. The guard stays to report how the kernel ended.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});

const kernel = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });

kernel.on("error", (error) => {
  process.stderr.write(`cannot start the kernel ${command}: ${error.message}\n`);
  process.exit(127);
});

// Mirror the kernel's end: same exit code, or die from the same signal.
kernel.on("exit", (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    // Node ignores a few signals (SIGPIPE): fall back to the shell's 128+n convention.
    setTimeout(() => process.exit(128 + (require("node:os").constants.signals[signal] ?? 0)), 100);
    return;
  }
  process.exit(code ?? 1);
});

function killGroup() {
  if (connectionDir !== "-") rmSync(connectionDir, { recursive: true, force: true });
  try {
    process.kill(-process.pid, "SIGKILL");
  } catch {
    process.exit(1);
  }
}

process.stdin.on("end", killGroup);
process.stdin.on("error", killGroup);
process.stdin.resume();
