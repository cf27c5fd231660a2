// A tiny image classifier that ends in a Softmax, with the made-up dataset it reads: 8×8 grey images of one
// straight stroke (vertical, horizontal, or one of the two diagonals) at a random place, with random contrast
// and noise. Nothing is trained: each hidden unit is a template for one stroke at one place, which is what a
// trained first layer of such a network tends to look like, and the output layer adds up a class's units.
import { SeededRandom } from "../distilbert/random";
import { GraphBuilder } from "../../onnx/graph-builder";

/** Side of the square images, in pixels. */
export const GLYPH_SIZE = 8;

/** The four classes, in output order. */
export const GLYPH_CLASSES = ["vertical", "horizontal", "falling diagonal", "rising diagonal"] as const;

/** How the images and weights are made; the defaults are what the demo model ships. */
export const GLYPH_SETTINGS = {
  /** Per-pixel Gaussian noise (before clipping to [0, 1]). */
  noise: 0.35,
  /** A stroke's brightness is drawn uniformly from [minContrast, 1]. */
  minContrast: 0.35,
  /** A template unit fires when the mean on its stroke exceeds `penalty` × the mean elsewhere plus `threshold`. */
  threshold: 0.2,
  penalty: 1,
  /** Output weight per template unit: large on purpose, so the network is confidently wrong now and then. */
  outputScale: 250,
  seed: 8,
  /** Images per split, balanced over the classes. */
  calibration: 200,
  test: 200,
} as const;

/** One stroke: its class and the pixel indices (row × 8 + column) it covers. */
export interface Stroke {
  readonly label: number;
  readonly pixels: readonly number[];
}

/** Every stroke a glyph can show: 8 columns, 8 rows, 7 falling and 7 rising diagonals (offsets −3…3). */
export function glyphStrokes(): Stroke[] {
  const n = GLYPH_SIZE;
  const range = (k: number) => Array.from({ length: k }, (_, i) => i);
  const diagonal = (label: number, column: (row: number) => number): Stroke => ({
    label,
    pixels: range(n).map((r) => [r, column(r)]).filter(([, c]) => c >= 0 && c < n).map(([r, c]) => r * n + c),
  });
  return [
    ...range(n).map((k) => ({ label: 0, pixels: range(n).map((r) => r * n + k) })),
    ...range(n).map((k) => ({ label: 1, pixels: range(n).map((c) => k * n + c) })),
    ...range(7).map((k) => diagonal(2, (r) => r + k - 3)),
    ...range(7).map((k) => diagonal(3, (r) => n - 1 - r + k - 3)),
  ];
}

/** Images as 8-bit pixels (0–255, row by row), as image datasets store them, with what each shows. */
export interface GlyphSplit {
  readonly pixels: number[][];
  readonly labels: number[];
}

/** Inputs unlike anything in training, for out-of-distribution scores; `kinds[i]` names image i. */
export interface UnusualGlyphs {
  readonly pixels: number[][];
  readonly kinds: string[];
}

/** The dataset file the demo model writes next to the model. */
export interface GlyphDataset {
  readonly description: string;
  readonly size: number;
  readonly calibration: GlyphSplit;
  readonly test: GlyphSplit;
  readonly unusual: UnusualGlyphs;
}

function toBytes(image: Float64Array): number[] {
  return Array.from(image, (v) => Math.round(255 * Math.min(1, Math.max(0, v))));
}

function noisy(random: SeededRandom, image: Float64Array, noise: number): Float64Array {
  return image.map((v) => v + noise * random.gaussian());
}

function drawSplit(random: SeededRandom, strokes: Stroke[], count: number): GlyphSplit {
  const pixels: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const label = i % GLYPH_CLASSES.length;
    const candidates = strokes.filter((s) => s.label === label);
    const stroke = candidates[Math.floor(random.uniform() * candidates.length)];
    const contrast = GLYPH_SETTINGS.minContrast + (1 - GLYPH_SETTINGS.minContrast) * random.uniform();
    const image = new Float64Array(GLYPH_SIZE * GLYPH_SIZE);
    for (const p of stroke.pixels) image[p] = contrast;
    pixels.push(toBytes(noisy(random, image, GLYPH_SETTINGS.noise)));
    labels.push(label);
  }
  return { pixels, labels };
}

/** Two of each kind of input the classes never show: empty, random, filled, checkered, a plus and an X. */
function drawUnusual(random: SeededRandom, strokes: Stroke[]): UnusualGlyphs {
  const n = GLYPH_SIZE;
  const cells = n * n;
  const union = (...picked: Stroke[]) => {
    const image = new Float64Array(cells);
    for (const s of picked) for (const p of s.pixels) image[p] = 1;
    return image;
  };
  const middle = (label: number) => strokes.filter((s) => s.label === label)[label < 2 ? n / 2 : 3];
  const kinds: [string, () => Float64Array][] = [
    ["blank", () => noisy(random, new Float64Array(cells), GLYPH_SETTINGS.noise)],
    ["random pixels", () => Float64Array.from({ length: cells }, () => random.uniform())],
    ["filled", () => noisy(random, new Float64Array(cells).fill(1), GLYPH_SETTINGS.noise)],
    ["checkerboard", () => noisy(random, Float64Array.from({ length: cells }, (_, i) => (Math.floor(i / n) + i) % 2), GLYPH_SETTINGS.noise)],
    ["plus", () => noisy(random, union(middle(0), middle(1)), GLYPH_SETTINGS.noise)],
    ["X", () => noisy(random, union(middle(2), middle(3)), GLYPH_SETTINGS.noise)],
  ];
  const pixels: number[][] = [];
  const names: string[] = [];
  for (const [kind, draw] of kinds) {
    for (let copy = 0; copy < 2; copy++) {
      pixels.push(toBytes(draw()));
      names.push(kind);
    }
  }
  return { pixels, kinds: names };
}

/** The made-up dataset: a calibration split, a test split and the unusual inputs, all from one seed. */
export function glyphDataset(): GlyphDataset {
  const random = new SeededRandom(GLYPH_SETTINGS.seed);
  const strokes = glyphStrokes();
  const calibration = drawSplit(random, strokes, GLYPH_SETTINGS.calibration);
  const test = drawSplit(random, strokes, GLYPH_SETTINGS.test);
  return {
    description:
      `${GLYPH_SIZE}×${GLYPH_SIZE} grey images (8-bit, row by row) of one straight stroke at a random place, contrast ` +
      `${GLYPH_SETTINGS.minContrast}–1, Gaussian noise σ=${GLYPH_SETTINGS.noise}; made up by the softmax-nets demo model (seed ${GLYPH_SETTINGS.seed}).`,
    size: GLYPH_SIZE,
    calibration,
    test,
    unusual: drawUnusual(random, strokes),
  };
}

/** First layer: one template per stroke, [units, pixels]: +1/|stroke| on it, −penalty/|rest| elsewhere. */
export function glyphTemplates(strokes: readonly Stroke[] = glyphStrokes()): Float32Array {
  const cells = GLYPH_SIZE * GLYPH_SIZE;
  const weights = new Float32Array(strokes.length * cells);
  strokes.forEach((stroke, u) => {
    const on = new Set(stroke.pixels);
    for (let p = 0; p < cells; p++) {
      weights[u * cells + p] = on.has(p) ? 1 / stroke.pixels.length : -GLYPH_SETTINGS.penalty / (cells - stroke.pixels.length);
    }
  });
  return weights;
}

/**
 * The classifier as ONNX: `image` float32 [batch, 1, 8, 8] (pixels / 255) → Flatten → Gemm (templates) → Relu →
 * Gemm (sum per class × outputScale) → Softmax → `probabilities` [batch, 4]. Node names as torch.onnx writes them.
 */
export function buildGlyphGraph(): GraphBuilder {
  const strokes = glyphStrokes();
  const classes = GLYPH_CLASSES.length;
  const g = new GraphBuilder("glyph_classifier");
  g.input("image", "float32", ["batch_size", 1, GLYPH_SIZE, GLYPH_SIZE]);
  const flat = g.op("Flatten", ["image"], "/flatten/Flatten", { axis: 1 });
  const fc1 = g.initializer("fc1.weight", glyphTemplates(strokes), [strokes.length, GLYPH_SIZE * GLYPH_SIZE]);
  const fc1Bias = g.initializer("fc1.bias", new Float32Array(strokes.length).fill(-GLYPH_SETTINGS.threshold), [strokes.length]);
  const hidden = g.op("Relu", [g.op("Gemm", [flat, fc1, fc1Bias], "/fc1/Gemm", { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 })], "/relu/Relu");
  const out = new Float32Array(classes * strokes.length);
  strokes.forEach((stroke, u) => { out[stroke.label * strokes.length + u] = GLYPH_SETTINGS.outputScale; });
  const fc2 = g.initializer("fc2.weight", out, [classes, strokes.length]);
  const fc2Bias = g.initializer("fc2.bias", new Float32Array(classes), [classes]);
  const scores = g.op("Gemm", [hidden, fc2, fc2Bias], "/fc2/Gemm", { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 });
  g.op("Softmax", [scores], "/softmax/Softmax", { axis: -1 }, "probabilities");
  g.output("probabilities", "float32", ["batch_size", classes]);
  return g;
}
