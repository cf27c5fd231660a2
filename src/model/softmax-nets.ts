// The networks notebooks 08 and 09 open, both ending in a Softmax: the sentiment classifier the workbook loaded
// (with a Softmax appended), and the 8×8 stroke classifier with its made-up dataset.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Tensor } from "@huggingface/transformers";
import { SENTIMENT_DEMO_MODEL_NAME } from "../demo-models/sentiment";
import { SOFTMAX_NET_FILES, SOFTMAX_NETS_DEMO_MODEL_NAME, type GlyphDataset, type GlyphSplit, type SoftmaxNetConfig } from "../demo-models/softmax-nets";
import { ensureDemoModel } from "./demo-model";
import type { SentimentModel } from "./load";
import { demoModelDir, projectRoot } from "./paths";
import { makeTensor } from "../tensor/types";
import { recordModel } from "./record";
import { appendSoftmax } from "../onnx/append-softmax";

/** A network whose graph ends in a Softmax: its bytes, where they come from, and its class names in output order. */
export interface SoftmaxNet {
  readonly bytes: Uint8Array;
  /** One line: the file, or how the bytes were made. */
  readonly source: string;
  readonly labels: string[];
}

/** A split of the glyph dataset as model input: `images` float32 [n, 1, 8, 8] in [0, 1], plus the raw pixels. */
export interface GlyphBatch {
  readonly images: Tensor;
  readonly pixels: number[][];
  readonly labels: number[];
}

/** The stroke images: class names, the calibration and test splits, and the unusual inputs. */
export interface GlyphData {
  readonly description: string;
  readonly size: number;
  readonly classes: readonly string[];
  readonly calibration: GlyphBatch;
  readonly test: GlyphBatch;
  readonly unusual: { readonly images: Tensor; readonly pixels: number[][]; readonly kinds: string[] };
}

/** What `loadSoftmaxNets` returns. */
export interface SoftmaxNets {
  readonly sentiment: SoftmaxNet;
  readonly glyphs: SoftmaxNet;
  readonly glyphData: GlyphData;
  /** Lines saying which softmax-ended models the notebook uses. */
  readonly banner: string;
}

function shown(file: string): string {
  const relative = path.relative(projectRoot(), file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

/** 8-bit pixel rows as the float32 [n, 1, size, size] tensor the glyph network reads. */
export function glyphImages(pixels: readonly (readonly number[])[], size: number): Tensor {
  const bad = pixels.findIndex((row) => row.length !== size * size);
  if (bad >= 0) throw new RangeError(`glyphImages: image ${bad} has ${pixels[bad].length} pixels, expected ${size}×${size}`);
  return makeTensor("float32", Float32Array.from(pixels.flat(), (v) => v / 255), [pixels.length, 1, size, size]);
}

function batch(split: GlyphSplit, size: number): GlyphBatch {
  return { images: glyphImages(split.pixels, size), pixels: split.pixels, labels: split.labels };
}

/** Class names in id order from an `id2label` map. */
function labelsOf(id2label: Record<string | number, string>): string[] {
  return Object.entries(id2label).sort(([a], [b]) => Number(a) - Number(b)).map(([, label]) => label);
}

/** A network's banner entry: its file on one line, how it was made (in parentheses) on the next, so lines stay short. */
function sourceLines(name: string, source: string): string[] {
  const at = source.indexOf(" (");
  return at < 0 ? [`  ${name}: ${source}`] : [`  ${name}: ${source.slice(0, at)}`, `    ${source.slice(at + 1)}`];
}

/** Is this the offline demo classifier in its usual place, which the demo model's softmax version was made from? */
function isDemoClassifier(sentiment: Pick<SentimentModel, "choice">): boolean {
  const { choice } = sentiment;
  return choice.kind === "demo" && choice.name === SENTIMENT_DEMO_MODEL_NAME && path.resolve(choice.dir) === demoModelDir(SENTIMENT_DEMO_MODEL_NAME);
}

/**
 * The softmax-ended networks, built by `npm run demo-models` if needed. For the demo sentiment model the demo model's
 * file is used; for any other checkpoint (the Hub's, a local directory) its fp32 graph gets the same Softmax
 * appended in memory, so the notebook's numbers are that checkpoint's.
 */
export function loadSoftmaxNets(sentiment: Pick<SentimentModel, "choice" | "onnxPath" | "id2label">): SoftmaxNets {
  const dir = ensureDemoModel(SOFTMAX_NETS_DEMO_MODEL_NAME).dir;
  const read = (file: string) => fs.readFileSync(path.join(dir, file));
  const readJson = <T>(file: string) => JSON.parse(read(file).toString("utf8")) as T;
  let sentimentNet: SoftmaxNet;
  if (isDemoClassifier(sentiment)) {
    sentimentNet = {
      bytes: read(SOFTMAX_NET_FILES.sentiment),
      source: `${shown(path.join(dir, SOFTMAX_NET_FILES.sentiment))} (the demo classifier with a Softmax appended by npm run demo-models)`,
      labels: labelsOf(readJson<SoftmaxNetConfig>(SOFTMAX_NET_FILES.sentimentConfig).id2label),
    };
  } else {
    const file = sentiment.onnxPath("fp32");
    sentimentNet = {
      bytes: appendSoftmax(fs.readFileSync(file), { output: "logits" }).bytes,
      source: `${shown(file)} with a Softmax appended in memory`,
      labels: labelsOf(sentiment.id2label),
    };
  }
  const { glyphs, glyphData } = loadGlyphNet();
  return {
    sentiment: sentimentNet,
    glyphs,
    glyphData,
    banner: [`Softmax-ended models:`, ...sourceLines("sentiment", sentimentNet.source), ...sourceLines("glyphs", glyphs.source)].join("\n"),
  };
}

/** The stroke classifier alone, with its dataset: what notebook 09 needs (it is the same online and offline). */
export interface GlyphNet {
  readonly glyphs: SoftmaxNet;
  readonly glyphData: GlyphData;
  /** Lines saying which network runs: a made-up demo, the same whatever model the other notebooks use. */
  readonly banner: string;
}

/** The 8×8 stroke classifier that ends in a Softmax, and its made-up dataset, built by `npm run demo-models` if needed. */
export function loadGlyphNet(): GlyphNet {
  const dir = ensureDemoModel(SOFTMAX_NETS_DEMO_MODEL_NAME).dir;
  const read = (file: string) => fs.readFileSync(path.join(dir, file));
  const readJson = <T>(file: string) => JSON.parse(read(file).toString("utf8")) as T;
  const glyphsConfig = readJson<SoftmaxNetConfig>(SOFTMAX_NET_FILES.glyphsConfig);
  const data = readJson<GlyphDataset>(SOFTMAX_NET_FILES.glyphData);
  const classes = labelsOf(glyphsConfig.id2label);
  const file = shown(path.join(dir, SOFTMAX_NET_FILES.glyphs));
  const glyphs: SoftmaxNet = {
    bytes: read(SOFTMAX_NET_FILES.glyphs),
    source: `${file} (${data.size}×${data.size} stroke images → ${classes.length} classes, hand-set weights)`,
    labels: classes,
  };
  const banner = [
    `Model: offline demo glyph network, ${file}:`,
    `${data.size}×${data.size} stroke images → ${classes.length} classes, hand-set weights; the same online and offline.`,
  ].join("\n");
  recordModel({ kind: "demo", name: SOFTMAX_NETS_DEMO_MODEL_NAME, source: dir, banner });
  return {
    glyphs,
    glyphData: {
      description: data.description,
      size: data.size,
      classes,
      calibration: batch(data.calibration, data.size),
      test: batch(data.test, data.size),
      unusual: { images: glyphImages(data.unusual.pixels, data.size), pixels: data.unusual.pixels, kinds: data.unusual.kinds },
    },
    banner,
  };
}

/** Images drawn side by side in text (darker character = brighter pixel), each with a caption underneath. */
export function glyphArt(pixels: readonly (readonly number[])[], size: number, captions: readonly string[] = []): string {
  const shades = " ░▒▓█";
  const width = Math.max(size * 2, ...captions.map((c) => c.length));
  const lines: string[] = [];
  for (let r = 0; r < size; r++) {
    lines.push(pixels.map((image) => Array.from({ length: size }, (_, c) => shades[Math.min(4, Math.floor((image[r * size + c] / 256) * 5))].repeat(2)).join("").padEnd(width)).join("  ").trimEnd());
  }
  if (captions.length > 0) lines.push(pixels.map((_, i) => (captions[i] ?? "").padEnd(width)).join("  ").trimEnd());
  return lines.join("\n");
}
