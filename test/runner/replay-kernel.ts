/**
 * A Jupyter kernel that executes nothing: it answers each execute_request with the messages tslab sent for that
 * request in a recorded run (a transcript, test/helpers/transcript.ts) — the same types and contents in the same
 * order, busy and idle included, under new headers. Given the shared workbook run's transcripts, nbclient is
 * answered as the runner was, so the parity test compares the two executors on one execution, digit for digit,
 * instead of executing the workbook a second time.
 *
 * It refuses to drift: a request whose content (code, silent, store_history, stop_on_error, …) differs from the next
 * recorded one is answered with an error naming the fields, and a shutdown with recorded requests left over is
 * reported on stderr.
 *
 * usage: node --require tsx/cjs replay-kernel.ts CONNECTION_FILE TRANSCRIPT_FILE
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import { Publisher, Reply, Router } from "zeromq";
import { decode, encode, PROTOCOL_VERSION, type JupyterMessage } from "../../scripts/runner/wire";
import type { Transcript } from "../helpers/transcript";

interface ConnectionInfo {
  transport: string;
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
}

const [connectionFile, transcriptFile] = process.argv.slice(2);
if (!connectionFile || !transcriptFile) {
  process.stderr.write("usage: node --require tsx/cjs replay-kernel.ts CONNECTION_FILE TRANSCRIPT_FILE\n");
  process.exit(2);
}
const connection = JSON.parse(fs.readFileSync(connectionFile, "utf8")) as ConnectionInfo;
const transcript = JSON.parse(fs.readFileSync(transcriptFile, "utf8")) as Transcript;
const session = randomUUID();
let next = 0;

const address = (port: number) => (connection.transport === "ipc" ? `ipc://${connection.ip}-${port}` : `${connection.transport}://${connection.ip}:${port}`);
const shell = new Router();
const control = new Router();
const stdin = new Router();
const iopub = new Publisher({ sendHighWaterMark: 0 });
const heartbeat = new Reply();

// zeromq sends one message at a time per socket; shell and control both publish, so iopub sends are queued here.
let iopubQueue: Promise<unknown> = Promise.resolve();

function header(msgType: string) {
  return { msg_id: randomUUID(), session, username: "replay", date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION };
}

function publish(parent: JupyterMessage, msgType: string, content: Record<string, unknown>, metadata: Record<string, unknown> = {}): Promise<unknown> {
  const frames = encode(connection.key, { header: header(msgType), parent_header: parent.header, metadata, content });
  iopubQueue = iopubQueue.then(() => iopub.send(frames));
  return iopubQueue;
}

function reply(socket: Router, request: JupyterMessage, msgType: string, content: Record<string, unknown>, metadata: Record<string, unknown> = {}): Promise<void> {
  return socket.send(encode(connection.key, { identities: request.identities, header: header(msgType), parent_header: request.header, metadata, content }));
}

/** The fields of two request contents that differ, e.g. ["code", "stop_on_error"]. */
function differingFields(sent: Record<string, unknown>, recorded: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(sent), ...Object.keys(recorded)])].sort();
  return keys.filter((key) => JSON.stringify(sent[key]) !== JSON.stringify(recorded[key]));
}

/** Answers one execute_request with the next recorded request's messages, in their recorded order. */
async function execute(socket: Router, request: JupyterMessage): Promise<void> {
  const cell = next + 1;
  const recorded = transcript.executions[next++];
  const differs = recorded ? differingFields(request.content, recorded.request) : [];
  if (!recorded || differs.length > 0) {
    const evalue = recorded
      ? `execute request ${cell} differs from the recorded one in ${differs.join(", ")}.\nsent: ${JSON.stringify(request.content)}\nrecorded: ${JSON.stringify(recorded.request)}`
      : `execute request ${cell} has no recorded counterpart: the transcript holds ${transcript.executions.length}`;
    const error = { ename: "ReplayMismatch", evalue, traceback: [`ReplayMismatch: ${evalue}`] };
    await publish(request, "status", { execution_state: "busy" });
    await publish(request, "error", error);
    await reply(socket, request, "execute_reply", { status: "error", execution_count: cell, ...error });
    await publish(request, "status", { execution_state: "idle" });
    return;
  }
  for (const message of recorded.messages) {
    if (message.channel === "shell") await reply(socket, request, message.msg_type, message.content, message.metadata);
    else await publish(request, message.msg_type, message.content, message.metadata);
  }
  // A client waits for idle; a transcript always has it, but a kernel that hangs the client would hide why.
  if (!recorded.messages.some((m) => m.msg_type === "status" && m.content.execution_state === "idle")) {
    process.stderr.write(`replay-kernel: execute request ${cell} has no recorded idle status; sent one\n`);
    await publish(request, "status", { execution_state: "idle" });
  }
}

async function handle(socket: Router, request: JupyterMessage): Promise<void> {
  // An execute_request's busy and idle are the recorded ones, where they were.
  if (request.header.msg_type === "execute_request") return execute(socket, request);
  await publish(request, "status", { execution_state: "busy" });
  let shutdown = false;
  switch (request.header.msg_type) {
    case "kernel_info_request":
      await reply(socket, request, "kernel_info_reply", transcript.kernelInfo);
      break;
    case "shutdown_request":
      await reply(socket, request, "shutdown_reply", { status: "ok", restart: Boolean(request.content.restart) });
      if (next < transcript.executions.length) {
        process.stderr.write(`replay-kernel: shut down after ${next} of the ${transcript.executions.length} recorded requests\n`);
      }
      shutdown = true;
      break;
    default: {
      const type = request.header.msg_type;
      process.stderr.write(`replay-kernel: cannot answer ${type}\n`);
      const evalue = `the replaying kernel answers only kernel_info, execute and shutdown requests, not ${type}`;
      await reply(socket, request, type.replace(/_request$/, "_reply"), { status: "error", ename: "NotImplemented", evalue, traceback: [] });
    }
  }
  await publish(request, "status", { execution_state: "idle" });
  if (shutdown) {
    for (const socket of [shell, control, stdin, iopub, heartbeat]) socket.close();
    process.exit(0);
  }
}

async function serve(socket: Router): Promise<void> {
  for await (const frames of socket) {
    let request: JupyterMessage;
    try {
      request = decode(connection.key, frames);
    } catch (error) {
      process.stderr.write(`replay-kernel: dropped a message: ${(error as Error).message}\n`);
      continue;
    }
    await handle(socket, request);
  }
}

async function echo(): Promise<void> {
  for await (const frames of heartbeat) await heartbeat.send(frames);
}

async function main(): Promise<void> {
  await Promise.all([
    shell.bind(address(connection.shell_port)),
    control.bind(address(connection.control_port)),
    stdin.bind(address(connection.stdin_port)),
    iopub.bind(address(connection.iopub_port)),
    heartbeat.bind(address(connection.hb_port)),
  ]);
  await Promise.all([serve(shell), serve(control), echo()]);
}

main().catch((error: Error) => {
  process.stderr.write(`replay-kernel: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
