/**
 * A kernel transcript: what a kernel sent while the runner executed one notebook — its kernel_info_reply and, for
 * each executed cell, the execute_reply and the iopub messages of that request, in the order they arrived — so
 * that another Jupyter client can be handed the very same messages (test/runner/replay-kernel.ts).
 */
import type { Channel, JupyterMessage } from "../../scripts/runner";

/** One message of a request, as the kernel sent it (headers are made anew when it is replayed). */
export interface RecordedMessage {
  channel: "shell" | "iopub";
  msg_type: string;
  content: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** One executed cell: the code that was sent, and what the kernel answered. */
export interface RecordedExecution {
  code: string;
  messages: RecordedMessage[];
}

/** Everything a replaying kernel needs for one notebook. */
export interface Transcript {
  /** The content of the kernel's kernel_info_reply. */
  kernelInfo: Record<string, unknown>;
  executions: RecordedExecution[];
}

/** Collects a kernel's messages as they arrive; `observe` is the runner's onKernelMessage callback. */
export class TranscriptRecorder {
  private readonly received: { channel: Channel; message: JupyterMessage }[] = [];

  readonly observe = (channel: Channel, message: JupyterMessage): void => {
    this.received.push({ channel, message });
  };

  /**
   * The transcript of the run, given the code of the cells that were executed, in order. Requests tslab aborted
   * (sent again by the runner) are left out: only the answer each cell's output came from is kept.
   */
  transcript(codes: readonly string[]): Transcript {
    const info = this.received.find(({ channel, message }) => channel === "shell" && message.header.msg_type === "kernel_info_reply");
    if (!info) throw new Error("the kernel sent no kernel_info_reply");
    const replies = this.received
      .filter(({ channel, message }) => channel === "shell" && message.header.msg_type === "execute_reply")
      .map(({ message }) => message)
      .filter((reply) => reply.content.status !== "aborted" && reply.content.status !== "abort");
    if (replies.length !== codes.length) {
      throw new Error(`the kernel answered ${replies.length} execute requests, but ${codes.length} cells were executed`);
    }
    const executions = replies.map((reply, i) => {
      const request = reply.parent_header.msg_id;
      const messages = this.received
        .filter(({ channel, message }) => message === reply || (channel === "iopub" && message.parent_header.msg_id === request))
        .map(({ channel, message }): RecordedMessage => ({
          channel: channel === "iopub" ? "iopub" : "shell",
          msg_type: message.header.msg_type,
          content: message.content,
          metadata: message.metadata,
        }));
      return { code: codes[i], messages };
    });
    return { kernelInfo: info.message.content, executions };
  }
}
