import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ort from "onnxruntime-node";
import type { PreTrainedTokenizer } from "@huggingface/transformers";
import { findDemoModel, type DemoModelFiles } from "../../src/demo-models";

/** The two ONNX files every demo model ships, by transformers.js dtype. */
export const ONNX_FILES = { fp32: "onnx/model.onnx", q8: "onnx/model_quantized.onnx" } as const;

const built = new Map<string, DemoModelFiles>();
const dirs = new Map<string, string>();

/** A demo model's files, built once per test process. */
export function familyFiles(name: string): DemoModelFiles {
  let files = built.get(name);
  if (!files) built.set(name, (files = findDemoModel(name).build()));
  return files;
}

/** A temporary directory holding the demo model's files (removed by `removeFamilyDirs`). */
export function familyDir(name: string): string {
  let dir = dirs.get(name);
  if (dir) return dir;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  for (const [file, bytes] of Object.entries(familyFiles(name))) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), bytes);
  }
  dirs.set(name, dir);
  return dir;
}

/** Removes the directories familyDir made. */
export function removeFamilyDirs(): void {
  for (const dir of dirs.values()) fs.rmSync(dir, { recursive: true, force: true });
  dirs.clear();
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
