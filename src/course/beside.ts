import { textTable } from "../plot/text";

/** One figure of one row: a number, a row of numbers, a label, or a pipeline prediction. */
export type CourseFigure = number | string | readonly number[] | { readonly label: string; readonly score: number };

/** Options of `besideCourse`. */
export interface BesideOptions {
  /** Row names; default `sentence 1`, `sentence 2`, … */
  rowLabels?: readonly string[];
  /** Widest line allowed; wider tables are printed stacked (course over this run). Default 100. */
  width?: number;
  /** Heading of the second column; default `this run`. */
  runName?: string;
}

/** 4 decimals as the course prints, or 4 digits in scientific notation (5.4419e-04), PyTorch's two-digit exponent. */
function decimal(value: number, scientific: boolean): string {
  return scientific ? value.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2") : value.toFixed(4);
}

/** Every number a table shows, so one style serves them all (scientific when one is below 1e-3, as PyTorch would). */
function numbersOf(figures: readonly CourseFigure[]): number[] {
  return figures.flatMap((f) => (typeof f === "number" ? [f] : typeof f === "string" ? [] : Array.isArray(f) ? [...f] : []));
}

/** Writes every figure of one table, integer rows aligned by position across all of them. */
function formatAll(figures: readonly CourseFigure[]): string[] {
  const rows = figures.filter((f): f is readonly number[] => Array.isArray(f));
  const integers = rows.length > 0 && rows.every((r) => r.every(Number.isInteger));
  const scientific = numbersOf(figures).some((v) => v !== 0 && Math.abs(v) < 1e-3);
  const inStyle = (v: number) => decimal(v, scientific);
  const texts = rows.map((r) => r.map((v) => (integers ? String(v) : inStyle(v))));
  const widths: number[] = [];
  for (const row of texts) row.forEach((t, i) => (widths[i] = Math.max(widths[i] ?? 0, t.length)));
  let next = 0;
  return figures.map((figure) => {
    if (typeof figure === "number") return inStyle(figure);
    if (typeof figure === "string") return figure;
    if (!Array.isArray(figure)) {
      const { label, score } = figure as { label: string; score: number };
      return `${label} ${score.toFixed(4)}`;
    }
    const padded = texts[next++].map((t, i) => t.padStart(widths[i]));
    return integers ? padded.join(" ") : `[${padded.join(", ")}]`;
  });
}

/**
 * The course's printed figures and this run's, row by row, as a text table (`course | this run`), or
 * stacked (each row's course line over its run line) when side by side would be wider than `width`.
 */
export function besideCourse(what: string, course: readonly CourseFigure[], thisRun: readonly CourseFigure[], options: BesideOptions = {}): string {
  if (course.length !== thisRun.length) throw new RangeError(`besideCourse: ${course.length} course rows but ${thisRun.length} rows of this run`);
  const width = options.width ?? 100;
  const runName = options.runName ?? "this run";
  const labels = options.rowLabels ?? course.map((_, i) => `sentence ${i + 1}`);
  const texts = formatAll([...course, ...thisRun]);
  const [ours, theirs] = [texts.slice(0, course.length), texts.slice(course.length)];
  const table = textTable([what, "course", runName], labels.map((label, i) => [label, ours[i], theirs[i]]));
  if (Math.max(...table.split("\n").map((line) => line.length)) <= width) return table;
  const name = Math.max("course".length, runName.length);
  return [what, ...labels.flatMap((label, i) => [
    `${label}`, `  ${"course".padEnd(name)}  ${ours[i]}`, `  ${runName.padEnd(name)}  ${theirs[i]}`,
  ])].join("\n");
}
