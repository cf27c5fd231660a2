/**
 * The client side of the Jupyter protocol over zeromq v6: shell, control and iopub sockets, message queues fed by
 * one reader per socket, and the kernel_info readiness handshake. Knows nothing about notebooks.
 */
import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import { Dealer, Subscriber, type Socket } from "zeromq";
import type { KernelConnection } from "./connection";
import { decode, encode, PROTOCOL_VERSION, WireError, type JupyterMessage } from "./wire";

/** A FIFO of received messages with a timed, abortable `next()`; one consumer at a time, like jupyter_client's channels. */
export class MessageQueue<T> {
  private readonly items: T[] = [];
  private waiter: ((item: T | undefined) => void) | null = null;
  private closed = false;

  /** Adds a message, handing it straight to a waiting consumer if there is one. */
  push(item: T): void {
    if (this.closed) return;
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = null;
      resolve(item);
    } else {
      this.items.push(item);
    }
  }

  /** The next message, or undefined after `timeoutMs` (null = wait forever), on abort, or once closed. */
  next(timeoutMs: number | null, signal?: AbortSignal): Promise<T | undefined> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift());
    if (this.closed || signal?.aborted) return Promise.resolve(undefined);
    if (this.waiter) throw new Error("MessageQueue.next() called while another consumer is waiting");
    return new Promise((resolve) => {
      const finish = (item: T | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (this.waiter === finish) this.waiter = null;
        resolve(item);
      };
      const onAbort = () => finish(undefined);
      const timer = timeoutMs === null ? undefined : setTimeout(() => finish(undefined), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiter = finish;
    });
  }

  /** Drops queued messages and releases a waiting consumer. */
  close(): void {
    this.closed = true;
    this.items.length = 0;
    this.waiter?.(undefined);
    this.waiter = null;
  }
}

/** Readiness tuning, from jupyter_client's `_async_wait_for_ready`. */
export interface ReadyOptions {
  /** Give up after this long (ms). */
  timeoutMs: number;
  /** Stop early if this resolves (the kernel process exited). */
  exited: Promise<unknown>;
}

/** Thrown by `waitForReady` when the kernel never answered. */
export class KernelNotReadyError extends Error {
  override name = "KernelNotReadyError";
}

/** The socket a message travels on. */
export type Channel = "shell" | "control" | "iopub";

/** Whether the client sent a message or received it. */
export type Direction = "sent" | "received";

/**
 * Sees every message a client sends and every verified message it receives, in order (e.g. to keep a transcript
 * of a run). An observer that throws costs a warning, never the message.
 */
export type MessageObserver = (channel: Channel, message: JupyterMessage, direction: Direction) => void;

/** A connected protocol client for one kernel. */
export class KernelClient {
  /** One session id per client; tslab copies it into replies and uses it as the iopub topic. */
  readonly session = randomUUID();
  readonly shellReplies = new MessageQueue<JupyterMessage>();
  readonly controlReplies = new MessageQueue<JupyterMessage>();
  readonly iopub = new MessageQueue<JupyterMessage>();
  /** Received messages dropped for a bad signature or bad framing. */
  droppedMessages = 0;

  private readonly username = safeUsername();
  private messageCount = 0;
  private readonly shell: Dealer;
  private readonly control: Dealer;
  private readonly iopubSocket: Subscriber;

  constructor(
    private readonly connection: KernelConnection,
    private readonly warn: (message: string) => void = () => {},
    private readonly observe?: MessageObserver,
  ) {
    // Explicit linger everywhere: a Dealer's default (-1) keeps Node alive forever if a message is queued for a
    // kernel that died. 1 s lets a last shutdown_request go out.
    // sendTimeout: a send that cannot even be queued (no peer left) fails instead of waiting forever.
    this.shell = new Dealer({ routingId: this.session, linger: 1000, sendTimeout: 2000 });
    this.control = new Dealer({ routingId: this.session, linger: 1000, sendTimeout: 2000 });
    // No high-water mark: a burst of output (100,000 lines) must queue here, not be dropped by zeromq.
    this.iopubSocket = new Subscriber({ linger: 0, receiveHighWaterMark: 0 });
  }

  /** Connects all sockets (zeromq connects lazily, so this works before the kernel has bound). */
  connect(): void {
    this.shell.connect(this.connection.endpoint("shell"));
    this.control.connect(this.connection.endpoint("control"));
    this.iopubSocket.connect(this.connection.endpoint("iopub"));
    // tslab's iopub topic is the requester's routing id; subscribe to everything, as Jupyter clients do.
    this.iopubSocket.subscribe();
    void this.read("shell", this.shell, this.shellReplies);
    void this.read("control", this.control, this.controlReplies);
    void this.read("iopub", this.iopubSocket, this.iopub);
  }

  /** Signs and sends a request; returns its msg_id, which replies and outputs carry as parent. */
  async send(channel: "shell" | "control", msgType: string, content: Record<string, unknown>): Promise<string> {
    const msgId = `${this.session}_${process.pid}_${this.messageCount++}`;
    const header = {
      msg_id: msgId,
      session: this.session,
      username: this.username,
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    };
    const message = { identities: [], header, parent_header: {}, metadata: {}, content };
    const frames = encode(this.connection.info.key, message);
    await (channel === "shell" ? this.shell : this.control).send(frames);
    this.notify(channel, message, "sent");
    return msgId;
  }

  /**
   * Waits until the kernel answers kernel_info and iopub delivers, like jupyter_client: send kernel_info_request,
   * wait ≤ 1 s for a kernel_info_reply, then ≤ 0.2 s for any iopub message; repeat. Then drain iopub until quiet.
   * The iopub step defeats the PUB/SUB slow-joiner problem (tslab sends no welcome message).
   */
  async waitForReady(options: ReadyOptions): Promise<void> {
    let exited = false;
    void options.exited.then(() => (exited = true));
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      await this.send("shell", "kernel_info_request", {});
      const reply = await this.shellReplies.next(1000);
      if (reply?.header.msg_type === "kernel_info_reply" && (await this.iopub.next(200)) !== undefined) break;
      if (exited) throw new KernelNotReadyError("the kernel exited before answering kernel_info");
      if (Date.now() > deadline) {
        throw new KernelNotReadyError(`the kernel did not answer kernel_info within ${options.timeoutMs / 1000} s`);
      }
    }
    while ((await this.iopub.next(200)) !== undefined) {
      // Drain the busy/idle of every queued kernel_info_request before the first cell.
    }
    while ((await this.shellReplies.next(0)) !== undefined) {
      // Stale kernel_info replies: requests queued before tslab bound are all answered.
    }
  }

  /** Closes every socket and queue; pending waits resolve with undefined. */
  close(): void {
    for (const socket of [this.shell, this.control, this.iopubSocket]) socket.close();
    for (const queue of [this.shellReplies, this.controlReplies, this.iopub]) queue.close();
  }

  /** Hands a message to the observer; an observer that throws costs a warning, never the socket's reader. */
  private notify(channel: Channel, message: JupyterMessage, direction: Direction): void {
    if (!this.observe) return;
    try {
      this.observe(channel, message, direction);
    } catch (error) {
      this.warn(`message observer failed: ${(error as Error).message}`);
    }
  }

  /** The one reader of a socket: verify, decode, enqueue; drop what is not properly signed. */
  private async read(channel: Channel, socket: Socket & AsyncIterable<Buffer[]>, queue: MessageQueue<JupyterMessage>): Promise<void> {
    try {
      for await (const frames of socket) {
        let message: JupyterMessage;
        try {
          message = decode(this.connection.info.key, frames);
        } catch (error) {
          if (!(error instanceof WireError)) throw error;
          this.droppedMessages++;
          this.warn(`dropped a kernel message: ${error.message}`);
          continue;
        }
        this.notify(channel, message, "received");
        queue.push(message);
      }
    } catch (error) {
      // Closing a socket while a receive is pending ends the loop with an error; anything else is worth a warning.
      if (!socket.closed) this.warn(`socket reader stopped: ${(error as Error).message}`);
    }
  }
}

/** The OS user name for message headers (jupyter_client uses getpass.getuser()). */
function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return "username";
  }
}
