import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ort from "onnxruntime-node";
import { AutoTokenizer, type PreTrainedTokenizer } from "@huggingface/transformers";
import { buildDistilbertFiles } from "../../src/demo-models/distilbert";
import { bertUncasedVocab, buildBertTokenizerFiles } from "../../src/demo-models/tokenizer";
import { decodeModel, type onnx } from "../../src/onnx/proto";

/** The course's two sentences and the labels the real checkpoint gives them. */
export const COURSE = [
  { text: "I've been waiting for a HuggingFace course my whole life.", label: "POSITIVE" },
  { text: "I hate this so much!", label: "NEGATIVE" },
] as const;

/** The 40 labelled sentences in sentiment-sentences.json. */
export function labelledSentences(): { text: string; label: string }[] {
  return JSON.parse(fs.readFileSync(path.join(__dirname, "sentiment-sentences.json"), "utf8")).sentences;
}

let built: ReturnType<typeof buildDistilbertFiles> | undefined;

/** The demo model built once per test file. */
export function demoModel(): ReturnType<typeof buildDistilbertFiles> {
  built ??= buildDistilbertFiles(bertUncasedVocab());
  return built;
}

/** The decoded graph of one of the demo's ONNX files. */
export function demoGraph(file: "onnx/model.onnx" | "onnx/model_quantized.onnx"): onnx.IGraphProto {
  const graph = decodeModel(demoModel().files[file]).graph;
  if (!graph) throw new Error(`${file} has no graph`);
  return graph;
}

/** The real bert-base-uncased tokenizer, loaded by transformers.js from files written to a temporary folder. */
export async function loadTokenizer(): Promise<PreTrainedTokenizer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "demo-distilbert-tokenizer-"));
  try {
    for (const [file, bytes] of Object.entries(buildBertTokenizerFiles(bertUncasedVocab()))) fs.writeFileSync(path.join(dir, file), bytes);
    return await AutoTokenizer.from_pretrained(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Logit rows for `texts`, tokenized together with padding as the pipeline does. */
export async function logitsFor(session: ort.InferenceSession, tokenizer: PreTrainedTokenizer, texts: readonly string[]): Promise<number[][]> {
  const batch = tokenizer([...texts], { padding: true, truncation: true });
  const feeds = {
    input_ids: new ort.Tensor("int64", batch.input_ids.data, batch.input_ids.dims),
    attention_mask: new ort.Tensor("int64", batch.attention_mask.data, batch.attention_mask.dims),
  };
  const { logits } = await session.run(feeds);
  const data = logits.data as Float32Array;
  return texts.map((_, i) => [data[2 * i], data[2 * i + 1]]);
}

/** The label of a logit row (id2label of the real checkpoint). */
export function labelOf(row: readonly number[]): "NEGATIVE" | "POSITIVE" {
  return row[1] > row[0] ? "POSITIVE" : "NEGATIVE";
}
