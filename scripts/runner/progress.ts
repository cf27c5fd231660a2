/**
 * What a person sees while notebooks run: a progress bar per notebook on a terminal, one plain line per notebook
 * in CI logs, and a summary table at the end.
 */
import { basename } from "node:path";
import { Presets, SingleBar } from "cli-progress";
import Table from "cli-table3";
import type { NotebookOutcome } from "./batch";
import { CellError, cellName } from "./errors";
import { neutralizeControls } from "./terminal-text";

// The bar being drawn, if any, so an interrupted run can restore the terminal (cursor, line wrapping).
let activeBar: SingleBar | null = null;

/** Stops a progress bar left running (e.g. on Ctrl-C) so the terminal gets its cursor and line wrapping back. */
export function stopProgressBars(): void {
  activeBar?.stop();
  activeBar = null;
}

/** Receives the progress of a batch. */
export interface Reporter {
  notebookStart(path: string, cellsToRun: number): void;
  /** `done` of `total` code cells have finished. */
  cellsDone(done: number, total: number): void;
  notebookEnd(outcome: NotebookOutcome): void;
}

/** A progress bar reporter when `stream` is a terminal, otherwise a plain-line one. */
export function createReporter(stream: NodeJS.WriteStream = process.stderr): Reporter {
  return stream.isTTY ? new BarReporter(stream) : new LineReporter(stream);
}

/** One cli-progress bar per notebook: cells done / total and elapsed time. */
class BarReporter implements Reporter {
  private bar: SingleBar | null = null;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  notebookStart(path: string, cellsToRun: number): void {
    this.bar = new SingleBar(
      {
        format: "{notebook} [{bar}] {value}/{total} cells | {duration_formatted} | {status}",
        stream: this.stream,
        hideCursor: true,
        etaBuffer: 1,
      },
      Presets.shades_classic,
    );
    this.bar.start(cellsToRun, 0, { notebook: neutralizeControls(basename(path)), status: "starting kernel" });
    activeBar = this.bar;
  }

  cellsDone(done: number, total: number): void {
    this.bar?.setTotal(total);
    this.bar?.update(done, { status: "running" });
  }

  notebookEnd(outcome: NotebookOutcome): void {
    this.bar?.update(outcome.cellsRun, { status: outcomeStatus(outcome) });
    this.bar?.stop();
    this.bar = null;
    activeBar = null;
  }
}

/** One line per finished notebook, for logs. */
class LineReporter implements Reporter {
  constructor(private readonly stream: NodeJS.WritableStream) {}

  notebookStart(): void {}

  cellsDone(): void {}

  notebookEnd(outcome: NotebookOutcome): void {
    const cells = `${outcome.cellsRun}/${outcome.cellsToRun} cells`;
    this.stream.write(neutralizeControls(`${basename(outcome.path)}: ${outcomeStatus(outcome)}, ${cells} in ${outcome.seconds.toFixed(1)} s`) + "\n");
  }
}

/** "ok", "ok, 2 cell errors allowed", or "FAILED at cell 4 (CellTimeoutError)". */
export function outcomeStatus(outcome: NotebookOutcome): string {
  if (outcome.error) {
    const where = outcome.error instanceof CellError ? ` at ${cellName(outcome.error)}` : "";
    return `FAILED${where} (${outcome.error.name})`;
  }
  const allowed = outcome.result?.cells.filter((cell) => cell.status === "error").length ?? 0;
  return allowed > 0 ? `ok, ${allowed} cell error${allowed > 1 ? "s" : ""} allowed` : "ok";
}

/** The end-of-run table: notebook, cells, seconds, status. */
export function summaryTable(outcomes: NotebookOutcome[]): string {
  const table = new Table({
    head: ["notebook", "cells", "seconds", "status"],
    colAligns: ["left", "right", "right", "left"],
    // No colours: the table must read the same in a CI log.
    style: { head: [], border: [] },
  });
  for (const outcome of outcomes) {
    table.push([basename(outcome.path), `${outcome.cellsRun}/${outcome.cellsToRun}`, outcome.seconds.toFixed(1), outcomeStatus(outcome)]);
  }
  return table.toString();
}
