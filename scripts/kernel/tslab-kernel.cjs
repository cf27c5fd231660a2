// Starts this project's own tslab kernel, and nothing else. Used by the runner and by the kernelspec that
// `npm run kernel` writes, with tslab's own arguments: node tslab-kernel.cjs kernel --config-path FILE [--js]
//
// Why not `tslab kernel` itself:
// - tslab's startKernel looks for node_modules/tslab/dist/main.js in the working directory and every directory
//   above it and runs the first one found, so a file another user planted in /tmp/node_modules ran for any
//   notebook under /tmp. startKernel({ enableFindLocal: false }) turns that search off.
// - tslab answers a badly signed message with "invalid hmac X; want <the valid HMAC>", printed through
//   console.error, which after the first cell is published on iopub: a signing oracle for anyone who can reach the
//   sockets. Messages that fail to parse or verify are dropped here with one line on the real stderr, no HMAC.
// - tslab's iopub publisher drops output: it sends without waiting, so past ~500 queued messages zeromq refuses
//   sends ("busy writing") and console.log swallows the error. The publisher here sends synchronously with no
//   high-water mark, and counts any send that still fails on stderr, where the runner looks for it.
// - tslab starts receiving on its sockets before they are bound, and zeromq refuses to send or receive while a
//   bind is in progress. A request that arrives in that window (a client connecting at once, on a loaded machine)
//   fails tslab's reply and ends its receive loop: the kernel never answers. Here every socket tslab binds waits for
//   its bind first (bind-gate.cjs).
// - tslab's compiler sets typeRoots but no `types`, so every package under node_modules/@types is part of each
//   kernel's program: in this project that is jsdom (which adds the whole DOM library), plotly.js, semver, estree…
//   Parsing them costs about 0.9 s of CPU per kernel, and they declare globals (document, window, HTMLElement) that
//   do not exist in a Node.js kernel. The kernel's program gets `types: ["node"]` instead: what a learner's own
//   Node.js project sees. Imported packages still find their types (`import … from "plotly.js"` resolves
//   @types/plotly.js as before); only the automatic inclusion of global declarations changes.
// Plain CommonJS, so the kernel starts without a TypeScript loader.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { waitingForBind } = require("./bind-gate.cjs");

const ROOT = path.resolve(__dirname, "..", "..");
const TSLAB = path.join(ROOT, "node_modules", "tslab");
/** Printed on stderr for each output message that could not be sent; the runner counts these lines. */
const LOST_LINE = "tslab-kernel: lost an output message";

function fail(message, code) {
  fs.writeSync(2, `tslab-kernel: ${message}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const args = argv[0] === "kernel" ? argv.slice(1) : argv.slice();
  const options = { configPath: "", jsKernel: false };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--config-path" && i + 1 < args.length) options.configPath = args[++i];
    else if (args[i].startsWith("--config-path=")) options.configPath = args[i].slice("--config-path=".length);
    else if (args[i] === "--js") options.jsKernel = true;
    else fail(`unexpected argument "${args[i]}"\nusage: node tslab-kernel.cjs kernel --config-path FILE [--js]`, 2);
  }
  if (!options.configPath) fail("--config-path FILE is required (Jupyter passes {connection_file})", 2);
  return options;
}

/** True for the errors tslab raises on a message it cannot parse or verify (thrown in ZmqMessage.fromRaw). */
function isRejectedMessage(reason) {
  if (!(reason instanceof Error)) return false;
  return /^invalid hmac /.test(reason.message) || String(reason.stack).includes("fromRaw");
}

/** Wraps tslab's unhandledRejection/uncaughtException handlers so a rejected message never reaches its console. */
function guardProcessHandlers(register) {
  const original = process.on;
  const wrap = (event, listener) => {
    if (event !== "unhandledRejection" && event !== "uncaughtException") return listener;
    return function (reason, ...rest) {
      if (isRejectedMessage(reason)) {
        fs.writeSync(2, "tslab-kernel: dropped a message that was not signed with the session key\n");
        return undefined;
      }
      return listener.call(this, reason, ...rest);
    };
  };
  process.on = process.addListener = function (event, listener) {
    return original.call(this, event, wrap(event, listener));
  };
  try {
    register();
  } finally {
    process.on = process.addListener = original;
  }
}

/**
 * Patches the zeromq classes tslab's server uses: each waits for its bind before sending or receiving, and the iopub
 * Publisher keeps every message (synchronous sends, no high-water mark, failures counted).
 */
function patchSockets() {
  // The very module instance tslab will require (it loads zeromq lazily, after startKernel).
  const zmq = require(require.resolve("zeromq", { paths: [path.join(TSLAB, "dist")] }));
  zmq.Router = waitingForBind(zmq.Router);
  zmq.Reply = waitingForBind(zmq.Reply);
  const Base = waitingForBind(zmq.Publisher);
  const lost = () => fs.writeSync(2, `${LOST_LINE}\n`);
  zmq.Publisher = class Publisher extends Base {
    constructor(options) {
      super({ sendHighWaterMark: 0, sendTimeout: 0, ...options });
    }
    send(frames) {
      try {
        return super.send(frames).catch(lost);
      } catch {
        lost();
        return Promise.resolve();
      }
    }
  };
}

/** Global type packages every kernel program includes (see the header: tslab itself would include all of @types). */
const GLOBAL_TYPES = ["node"];

/**
 * Gives tslab's compiler `types: GLOBAL_TYPES` unless it sets `types` itself. TypeScript's exports are getters that
 * cannot be reassigned, so tslab is handed a copy of the module with createWatchCompilerHost wrapped.
 */
function limitGlobalTypes() {
  const file = require.resolve("@tslab/typescript-for-tslab", { paths: [path.join(TSLAB, "dist")] });
  const ts = require(file);
  const copy = {};
  for (const name of Object.keys(ts)) {
    Object.defineProperty(copy, name, { get: () => ts[name], enumerable: true, configurable: true });
  }
  const createWatchCompilerHost = ts.createWatchCompilerHost;
  Object.defineProperty(copy, "createWatchCompilerHost", {
    enumerable: true,
    value: function (rootFiles, options, ...rest) {
      const withTypes = options && options.types === undefined ? { ...options, types: GLOBAL_TYPES } : options;
      return createWatchCompilerHost.call(this, rootFiles, withTypes, ...rest);
    },
  });
  require.cache[file].exports = copy;
}

function main() {
  const { configPath, jsKernel } = parseArgs(process.argv.slice(2));
  const entry = path.join(TSLAB, "dist", "main.js");
  if (!fs.existsSync(entry)) fail(`${entry} is missing: run \`npm ci\` in ${ROOT}`, 1);
  patchSockets();
  limitGlobalTypes();
  const { startKernel } = require(entry);
  const { version } = require(path.join(TSLAB, "package.json"));
  guardProcessHandlers(() => startKernel({ configPath, jsKernel, enableFindLocal: false, globalVersion: version }));
}

main();
