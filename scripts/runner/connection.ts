/**
 * The kernel's connection file and the private directory that holds it (and, with ipc, the sockets).
 * Mirrors jupyter_client's write_connection_file and jupyter_core's secure_write.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPrivateSocketDir, type SocketDirCandidate } from "./socket-dir";

/** `ipc`: Unix sockets in a 0700 directory (default on POSIX); `tcp`: loopback ports (only when asked for, or Windows). */
export type Transport = "ipc" | "tcp";

/** The channels a kernel binds, in connection-file order. */
export const CHANNELS = ["shell", "iopub", "stdin", "control", "hb"] as const;
export type Channel = (typeof CHANNELS)[number];

/** What tslab reads from the connection file (it ignores signature_scheme and always uses sha256). */
export interface ConnectionInfo {
  transport: Transport;
  ip: string;
  key: string;
  signature_scheme: "hmac-sha256";
  kernel_name: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
}

/** A written connection file and the private directory around it; `dispose()` removes both. */
export interface KernelConnection {
  info: ConnectionInfo;
  /** Path of the 0600 connection file. */
  file: string;
  /** The 0700 directory holding the file (and the ipc sockets). */
  dir: string;
  /** ZeroMQ endpoint of one channel, e.g. `ipc:///tmp/tslab-x/k:1`. */
  endpoint(channel: Channel): string;
  /** Removes the directory with the file and any socket files; safe to call twice. */
  dispose(): Promise<void>;
}

// Directories not yet disposed, removed synchronously if the process exits first (e.g. from a signal handler).
const liveDirs = new Set<string>();
process.on("exit", () => {
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

/** The transport to use when the caller does not choose: ipc wherever Unix sockets exist. */
export function defaultTransport(): Transport {
  return process.platform === "win32" ? "tcp" : "ipc";
}

/** Where to look for a short private socket directory (tests pass their own). */
export interface ConnectionOptions {
  socketDirCandidates?: SocketDirCandidate[];
}

/**
 * Creates a private directory and writes a fresh connection file into it (exclusive create, mode 0600).
 * With ipc the directory also holds the sockets, so it must be short: when no short private place exists this
 * throws NoPrivateSocketDirError and never switches to TCP on its own.
 */
export async function createConnection(
  kernelName: string,
  transport: Transport = defaultTransport(),
  options: ConnectionOptions = {},
): Promise<KernelConnection> {
  // Both create the directory with mode 0700; ipc also checks that the sockets fit and nobody else can swap it.
  // Synchronously, like the key file below, so that the exit handler (a signal) always finds what it must remove:
  // an asynchronous create still pending in the thread pool at exit would land after the handler's rm.
  const dir = transport === "ipc" ? createPrivateSocketDir(options.socketDirCandidates) : mkdtempSync(join(tmpdir(), "tslab-run-"));
  liveDirs.add(dir);
  try {
    const useIpc = transport === "ipc";
    const ipcBase = join(dir, "k");
    const ports = useIpc ? [1, 2, 3, 4, 5] : await freeLoopbackPorts(CHANNELS.length);
    const info: ConnectionInfo = {
      transport,
      ip: useIpc ? ipcBase : "127.0.0.1",
      // 256 bits of randomness; the HMAC key is the UTF-8 bytes of this hex string.
      key: randomBytes(32).toString("hex"),
      signature_scheme: "hmac-sha256",
      kernel_name: kernelName,
      shell_port: ports[0],
      iopub_port: ports[1],
      stdin_port: ports[2],
      control_port: ports[3],
      hb_port: ports[4],
    };
    const file = join(dir, "kernel.json");
    writeFileSync(file, JSON.stringify(info), { mode: 0o600, flag: "wx" });
    let disposed = false;
    return {
      info,
      file,
      dir,
      endpoint: (channel) => `${info.transport}://${info.ip}:${info[`${channel}_port`]}`,
      async dispose() {
        if (disposed) return;
        disposed = true;
        await rm(dir, { recursive: true, force: true });
        liveDirs.delete(dir);
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
    throw error;
  }
}

/**
 * Asks the OS for `count` free loopback ports by binding them all at once, then releases them.
 * Another process may take one before the kernel binds it; the kernel then fails to become ready.
 */
async function freeLoopbackPorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.once("error", reject);
            server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
