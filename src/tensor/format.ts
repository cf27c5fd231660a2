import { assertTensor, elementCount, type TensorLike } from "./types";

/** Options for `formatTensor`; the defaults follow PyTorch's printing. */
export interface FormatOptions {
  /** Digits after the point (fixed) or in the mantissa (scientific). */
  precision?: number;
  /** Tensors with more elements than this are elided with `...`. */
  threshold?: number;
  /** How many items to keep at each end of an elided dimension. */
  edgeItems?: number;
  /** Name shown before the opening parenthesis. */
  name?: string;
  /** Longest line, in characters: longer rows wrap (as PyTorch's `linewidth` does). Default 100. */
  lineWidth?: number;
}

type Cell = number | bigint | boolean | string;

/** Decides how every number of one tensor is written, so all columns share one width (PyTorch's rules). */
function numberStyle(values: number[], precision: number): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const nonZero = finite.map(Math.abs).filter((v) => v !== 0);
  const allIntegers = finite.every((v) => Number.isInteger(v));
  const special = (v: number) => (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");
  if (nonZero.length === 0 && allIntegers) return (v) => (Number.isFinite(v) ? `${v}.` : special(v));
  const max = nonZero.length ? Math.max(...nonZero) : 0;
  const min = nonZero.length ? Math.min(...nonZero) : 0;
  if (allIntegers && max < 1e8) return (v) => (Number.isFinite(v) ? `${v}.` : special(v));
  const scientific = max / min > 1000 || max > 1e8 || min < 1e-4;
  if (scientific) {
    return (v) => {
      if (!Number.isFinite(v)) return special(v);
      // JS writes 4.0195e-2; the course (and PyTorch) write 4.0195e-02.
      return v.toExponential(precision).replace(/e([+-])(\d)$/, "e$10$2");
    };
  }
  return (v) => (Number.isFinite(v) ? v.toFixed(precision) : special(v));
}

/** Which indices of a dimension of this size are shown (-1 marks the `...`). */
function shownIndices(size: number, elide: boolean, edge: number): number[] {
  if (!elide || size <= 2 * edge) return Array.from({ length: size }, (_, i) => i);
  return [...Array.from({ length: edge }, (_, i) => i), -1, ...Array.from({ length: edge }, (_, i) => size - edge + i)];
}

/** Collects the values that will actually be printed, so the number style is chosen from those alone. */
function visibleValues(t: TensorLike, elide: boolean, edge: number): Cell[] {
  const out: Cell[] = [];
  const strides = t.dims.map((_, i) => elementCount(t.dims.slice(i + 1)));
  const walk = (axis: number, offset: number) => {
    if (axis === t.dims.length) { out.push(t.data[offset] as Cell); return; }
    for (const i of shownIndices(t.dims[axis], elide, edge)) if (i >= 0) walk(axis + 1, offset + i * strides[axis]);
  };
  walk(0, 0);
  return out;
}

/** Formats one element as text, before padding. */
function cellText(t: TensorLike, style: (v: number) => string) {
  return (value: Cell): string => {
    if (t.type === "bool") return value ? "True" : "False";
    if (t.type === "string") return JSON.stringify(value);
    if (t.type.startsWith("int") || t.type.startsWith("uint")) return String(value); // BigInt prints without the n
    return style(Number(value));
  };
}

/** Prints a tensor for people: aligned nested brackets, int64 as plain integers, long dims elided with `...`, then dtype and dims. */
export function formatTensor(t: TensorLike, options: FormatOptions = {}): string {
  assertTensor(t, "t");
  const precision = options.precision ?? 4;
  const edge = options.edgeItems ?? 3;
  const name = options.name ?? "tensor";
  const elide = t.data.length > (options.threshold ?? 1000);
  const shown = visibleValues(t, elide, edge);
  const style = numberStyle(shown.filter((v) => typeof v === "number") as number[], precision);
  const toText = cellText(t, style);
  const width = Math.max(1, ...shown.map((v) => toText(v).length));
  const pad = (s: string) => s.padStart(width);
  const strides = t.dims.map((_, i) => elementCount(t.dims.slice(i + 1)));
  const prefix = `${name}(`;
  const lineWidth = options.lineWidth ?? 100;

  /** One row of the last axis, wrapped so that no line (closing brackets included) passes lineWidth. */
  const row = (parts: string[], indent: number): string => {
    const closers = t.dims.length + 1;
    const perLine = Math.max(1, Math.floor((lineWidth - indent - 1 - closers + 2) / (width + 2)));
    if (parts.length <= perLine) return `[${parts.join(", ")}]`;
    const lines: string[] = [];
    for (let i = 0; i < parts.length; i += perLine) lines.push(parts.slice(i, i + perLine).join(", "));
    return `[${lines.join(`,\n${" ".repeat(indent + 1)}`)}]`;
  };

  const render = (axis: number, offset: number, indent: number): string => {
    if (axis === t.dims.length) return pad(toText(t.data[offset] as Cell));
    const indices = shownIndices(t.dims[axis], elide, edge);
    const isLast = axis === t.dims.length - 1;
    const parts = indices.map((i) => (i < 0 ? "..." : render(axis + 1, offset + i * strides[axis], indent + 1)));
    if (isLast) return row(parts, indent);
    const newlines = "\n".repeat(t.dims.length - axis - 1);
    return `[${parts.join(`,${newlines}${" ".repeat(indent + 1)}`)}]`;
  };

  const body = t.dims.length === 0 ? toText(t.data[0] as Cell) : render(0, 0, prefix.length);
  const suffix = `dtype=${t.type}, dims=[${t.dims.join(", ")}])`;
  const lastLine = body.slice(body.lastIndexOf("\n") + 1);
  const fits = (body.includes("\n") ? lastLine.length : prefix.length + lastLine.length) + 2 + suffix.length <= lineWidth;
  return `${prefix}${body},${fits ? " " : `\n${" ".repeat(prefix.length)}`}${suffix}`;
}

/** A nested array of plain JS values (int64 as numbers when exact, else decimal strings): safe for JSON.stringify. */
export function tensorToNested(t: TensorLike): unknown {
  assertTensor(t, "t");
  const strides = t.dims.map((_, i) => elementCount(t.dims.slice(i + 1)));
  const plain = (v: Cell): number | boolean | string => {
    if (typeof v !== "bigint") return v;
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v.toString();
  };
  const build = (axis: number, offset: number): unknown =>
    axis === t.dims.length
      ? plain(t.data[offset] as Cell)
      : Array.from({ length: t.dims[axis] }, (_, i) => build(axis + 1, offset + i * strides[axis]));
  return build(0, 0);
}

/** A JSON-safe description of a tensor: `{ dtype, dims, data }` with nested plain values. */
export function tensorToJSON(t: TensorLike): { dtype: string; dims: number[]; data: unknown } {
  return { dtype: t.type, dims: [...t.dims], data: tensorToNested(t) };
}
