import * as fs from "node:fs";
import * as path from "node:path";
import * as ort from "onnxruntime-node";
import type { PreTrainedTokenizer } from "@huggingface/transformers";
import { MANIFEST_FILE, type DemoModelFiles } from "../../src/demo-models";
import { demoModel } from "../helpers/demo-model";

/** The two ONNX files every demo model ships, by transformers.js dtype. */
export const ONNX_FILES = { fp32: "onnx/model.onnx", q8: "onnx/model_quantized.onnx" } as const;

const read = new Map<string, DemoModelFiles>();

/**
 * A demo model's files (its manifest left out), read once per test process from its directory in build/models/,
 * which demoModel() builds or rebuilds when this code would build other files: building each family again in
 * every test process cost seconds of CPU. families.test.ts builds each once more and checks the bytes are equal.
 */
export function familyFiles(name: string): DemoModelFiles {
  let files = read.get(name);
  if (!files) {
    const dir = familyDir(name);
    const names = (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => f.split(path.sep).join("/"));
    files = Object.fromEntries(names.filter((f) => f !== MANIFEST_FILE && fs.statSync(path.join(dir, f)).isFile()).sort().map((f) => [f, new Uint8Array(fs.readFileSync(path.join(dir, f)))]));
    read.set(name, files);
  }
  return files;
}

/** The demo model's directory in build/models/, built (or repaired) first if needed. */
export function familyDir(name: string): string {
  return demoModel(name);
}

/** The model's config.json. */
export function familyConfig(name: string): Record<string, unknown> & { id2label: Record<string, string> } {
  return JSON.parse(new TextDecoder().decode(familyFiles(name)["config.json"]));
}

/** Logit rows from a raw onnxruntime session, fed what the tokenizer gives (padded batch) for the inputs the file declares. */
export async function rawLogits(session: ort.InferenceSession, tokenizer: PreTrainedTokenizer, texts: readonly string[]): Promise<number[][]> {
  const batch = tokenizer([...texts], { padding: true, truncation: true }) as Record<string, { data: BigInt64Array; dims: number[] }>;
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) {
    const given = batch[name] ?? (name === "token_type_ids" ? { data: new BigInt64Array(batch.input_ids.data.length), dims: batch.input_ids.dims } : undefined);
    if (!given) throw new Error(`the tokenizer gives no ${name}`);
    feeds[name] = new ort.Tensor("int64", given.data, given.dims);
  }
  const { logits } = await session.run(feeds);
  const [rows, labels] = logits.dims as number[];
  const data = logits.data as Float32Array;
  return Array.from({ length: rows }, (_, r) => Array.from(data.subarray(r * labels, (r + 1) * labels)));
}

/** Index of the largest value. */
export function argmax(row: readonly number[]): number {
  return row.reduce((best, value, i) => (value > row[best] ? i : best), 0);
}

/** 1 / (1 + e^−x). */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
