// A head view in the spirit of bertviz: one sentence, every head of every block, one at a time. A Plotly
// slider swaps the heatmap's values (method "update"), so choosing a head needs no kernel: it works in
// the static book and in Jupyter alike.
//
// Every head's matrix travels in the slider, and a notebook saves a plotly figure as JSON with one number per
// line: 24 heads of 16 × 16 cost 170 kB that way (72 heads on DistilBERT, three times that). So the slider's
// matrices go as plotly.js's typed-array spec ({ dtype, bdata, shape }: base64 float32, what plotly.py 6 sends
// for numpy arrays; plotly.js ≥ 2.28 decodes it), and only the head drawn first is a plain array.
import type { Data, Layout } from "plotly.js";
import { labelledAxis, positions, type Figure } from "./figure";
import { plotlyText } from "./escape";
import { validateLabels } from "./validate";
import type { TensorLike } from "../tensor/types";

/** Options for `headView`. */
export interface HeadViewOptions {
  /** Which sentence of the batch (default 0). */
  readonly sentence?: number;
  readonly title?: string;
  /** The head shown first, as 0-based [block, head] indices (default [0, 0]). */
  readonly start?: readonly [number, number];
}

/**
 * One head's [seq, seq] matrix for sentence `s` out of a [batch, heads, seq, seq] tensor, to 3 decimals: the hover
 * shows 3 and the colour scale far fewer, and 24 heads of full floats would make the saved notebook heavy.
 */
function headMatrix(t: TensorLike, s: number, h: number): number[][] {
  const [, heads, rows, cols] = t.dims;
  const base = (s * heads + h) * rows * cols;
  const weight = (k: number) => Math.round(Number(t.data[k]) * 1e3) / 1e3;
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => weight(base + i * cols + j)));
}

/** plotly.js's typed-array spec of a 2-D array: float32, little-endian (as plotly.js reads it), base64, "rows,cols". */
export interface TypedArraySpec {
  readonly dtype: "f4";
  readonly bdata: string;
  readonly shape: string;
}

/** A matrix as a float32 typed-array spec, rows one after another. */
export function float32Spec(matrix: readonly (readonly number[])[]): TypedArraySpec {
  const rows = matrix.length;
  const cols = matrix[0]?.length ?? 0;
  const bytes = Buffer.alloc(rows * cols * 4);
  matrix.forEach((row, i) => row.forEach((v, j) => bytes.writeFloatLE(v, (i * cols + j) * 4)));
  return { dtype: "f4", bdata: bytes.toString("base64"), shape: `${rows},${cols}` };
}

/** Every head of every block for one sentence: a tokens × tokens heatmap and a slider over "block.head" (counted from 1). */
export function headView(attentions: readonly TensorLike[], tokens: readonly string[], options: HeadViewOptions = {}): Figure {
  if (!Array.isArray(attentions) || attentions.length === 0) {
    throw new RangeError("attentions must be the non-empty list inspectModel().run() returns: one [batch, heads, seq, seq] tensor per block");
  }
  const [batch, heads, seq] = attentions[0].dims;
  attentions.forEach((t, b) => {
    if (t.dims.length !== 4 || t.dims[0] !== batch || t.dims[1] !== heads || t.dims[2] !== seq || t.dims[3] !== seq) {
      throw new RangeError(`attentions[${b}] has dims [${t.dims.join(", ")}]; every block must be [${batch}, ${heads}, ${seq}, ${seq}]`);
    }
  });
  const s = options.sentence ?? 0;
  if (!Number.isInteger(s) || s < 0 || s >= batch) throw new RangeError(`sentence ${s} is not in the batch of ${batch} (0..${batch - 1})`);
  const names = validateLabels(tokens, "tokens", seq, "the attention maps' sequence positions");
  const [startBlock, startHead] = options.start ?? [0, 0];
  if (!(startBlock >= 0 && startBlock < attentions.length && startHead >= 0 && startHead < heads)) {
    throw new RangeError(`start [${startBlock}, ${startHead}] is not a head: blocks 0..${attentions.length - 1}, heads 0..${heads - 1}`);
  }
  const cell = (j: number) => plotlyText(`${names[j]} (#${j})`);
  const hover = names.map((_, i) => names.map((__, j) => `${cell(i)} → ${cell(j)}`));
  // Shown counting from 1, as the lens's "block 1" (the first block); the indices into `attentions` are b and h.
  const title = (b: number, h: number) => `${options.title ? `${plotlyText(options.title)}: ` : ""}block ${b + 1}, head ${h + 1}`;
  const choices = attentions.flatMap((t, b) => Array.from({ length: heads }, (_, h) => ({ b, h, z: headMatrix(t, s, h) })));
  const first = choices.find((c) => c.b === startBlock && c.h === startHead)!;
  const trace: Data = {
    type: "heatmap",
    z: first.z,
    x: positions(seq),
    y: positions(seq),
    text: hover as unknown as string[],
    hovertemplate: "%{text}<br>weight: %{z:.3f}<extra></extra>",
    colorscale: [[0, "#f7fbff"], [0.5, "#6baed6"], [1, "#08306b"]],
    zmin: 0,
    zmax: 1,
  };
  const yaxis: Partial<Layout["yaxis"]> = { ...labelledAxis(names, "token (query)"), autorange: "reversed" };
  return {
    data: [trace],
    layout: {
      title: { text: title(startBlock, startHead) },
      xaxis: { ...labelledAxis(names, "attends to (key)"), side: "bottom" },
      yaxis,
      height: Math.min(900, Math.max(420, 200 + 24 * seq)),
      sliders: [{
        active: choices.indexOf(first),
        currentvalue: { prefix: "block.head = " },
        pad: { t: 60 },
        steps: choices.map((c) => ({
          label: `${c.b + 1}.${c.h + 1}`,
          method: "update",
          args: [{ z: [float32Spec(c.z)] }, { "title.text": title(c.b, c.h) }],
        })),
      }],
    } as Partial<Layout>,
  };
}
