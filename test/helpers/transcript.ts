/**
 * A kernel transcript: what the runner asked a kernel and what the kernel sent back while one notebook executed —
 * its kernel_info_reply and, for each execute_request, the request's content and every message the kernel sent
 * for it (the reply on shell, status and outputs on iopub), in the order they arrived — so that another Jupyter
 * client can be answered with the very same messages (test/runner/replay-kernel.ts).
 */
import type { Channel, Direction, JupyterMessage } from "../../scripts/runner";

/** One message the kernel sent for a request (headers are made anew when it is replayed). */
export interface RecordedMessage {
  channel: "shell" | "iopub";
  msg_type: string;
  content: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** One execute_request the runner sent (its content: code, silent, stop_on_error, …), and the kernel's answer. */
export interface RecordedExecution {
  request: Record<string, unknown> & { code: string };
  messages: RecordedMessage[];
}

/** Everything a replaying kernel needs for one notebook. */
export interface Transcript {
  /** The content of the kernel's kernel_info_reply. */
  kernelInfo: Record<string, unknown>;
  executions: RecordedExecution[];
}

interface Seen {
  channel: Channel;
  message: JupyterMessage;
  direction: Direction;
}

const isAborted = (reply: JupyterMessage | undefined) => reply?.content.status === "aborted" || reply?.content.status === "abort";

/** Collects what a client sends to a kernel and receives from it; `observe` is the runner's onKernelMessage. */
export class TranscriptRecorder {
  private readonly seen: Seen[] = [];

  /** Keeps one message, in the order the client saw it. */
  readonly observe = (channel: Channel, message: JupyterMessage, direction: Direction): void => {
    this.seen.push({ channel, message, direction });
  };

  /**
   * The transcript of the run. A request tslab aborted (it came right after an error) that the runner then sent
   * again is left out: only the attempt the cell's outputs came from is kept, as a client that never retries
   * would see it. Throws when a kept request has no reply, or the kernel never answered kernel_info.
   */
  transcript(): Transcript {
    const received = this.seen.filter((s) => s.direction === "received");
    const info = received.find((s) => s.channel === "shell" && s.message.header.msg_type === "kernel_info_reply");
    if (!info) throw new Error("the kernel sent no kernel_info_reply");
    const replyTo = new Map<string, JupyterMessage>();
    for (const { channel, message } of received) {
      if (channel === "shell" && message.header.msg_type === "execute_reply" && message.parent_header.msg_id) replyTo.set(message.parent_header.msg_id, message);
    }
    const requests = this.seen
      .filter((s) => s.direction === "sent" && s.message.header.msg_type === "execute_request")
      .map((s) => s.message);
    const kept = requests.filter((request, i) => !(isAborted(replyTo.get(request.header.msg_id)) && requests[i + 1]?.content.code === request.content.code));
    const executions = kept.map((request, i): RecordedExecution => {
      const id = request.header.msg_id;
      if (!replyTo.has(id)) throw new Error(`execute request ${i + 1} (of ${kept.length}) has no reply`);
      const messages = received
        .filter(({ channel, message }) => channel !== "control" && message.parent_header.msg_id === id)
        .map(({ channel, message }): RecordedMessage => ({
          channel: channel === "iopub" ? "iopub" : "shell",
          msg_type: message.header.msg_type,
          content: message.content,
          metadata: message.metadata,
        }));
      return { request: request.content as RecordedExecution["request"], messages };
    });
    return { kernelInfo: info.message.content, executions };
  }
}
