/** Programmatic API of the notebook runner, for the course renderer and benchmarks. */
export { executeNotebook, executeNotebookObject } from "./executor";
export type { CellTiming, ExecuteOptions, ExecuteResult, ProgressEvent } from "./executor";
export { runNotebooks } from "./batch";
export type { BatchOptions, NotebookInput, NotebookOutcome } from "./batch";
export type { Channel, Direction, MessageObserver } from "./client";
export type { JupyterMessage } from "./wire";
export { readNotebook, parseNotebook } from "./notebook";
export type { Cell, CodeCell, Notebook, Output } from "./notebook";
export { serializeNotebook } from "./nbjson";
export { NoPrivateSocketDirError } from "./socket-dir";
export { stampProvenance, sourceSha256, helperSha256 } from "./provenance";
export type { WorkbookProvenance } from "./provenance";
export {
  CellError,
  CellExecutionError,
  CellTimeoutError,
  DeadKernelError,
  KernelStartError,
  LostOutputError,
  NotebookInputError,
  OutputDirError,
  RunnerError,
} from "./errors";
