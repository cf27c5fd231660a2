import type { PreTrainedModel, PreTrainedTokenizer, Tensor } from "@huggingface/transformers";
import { describe } from "../tensor/types";
import { toPipelineOutput, type Id2Label, type LabelScore } from "./postprocess";

/** What `classifyTexts` needs: a tokenizer, a sequence-classification model and its label names. */
export interface TextClassifierParts {
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
  id2label: Id2Label;
}

/** One text that was longer than the model accepts and was cut. */
export interface TruncationReport {
  /** Position of the text in the batch. */
  index: number;
  /** Tokens the whole text needs, [CLS] and [SEP] included. */
  tokens: number;
  /** Tokens the model saw. */
  kept: number;
}

/** Options of `classifyTexts`. */
export interface ClassifyOptions {
  /** Texts per forward pass; bounds memory for long lists (default 32). */
  batchSize?: number;
  /** Batch texts of similar length together to save padding; results come back in input order (default true). */
  sortByLength?: boolean;
  /** Called once per truncated text; default prints one warning line per text. */
  onTruncate?: (report: TruncationReport) => void;
}

/** Result of `classifyTexts`: one prediction per text, in input order, and the texts that were truncated. */
export interface ClassifyResult {
  predictions: LabelScore[];
  truncated: TruncationReport[];
  /** Forward passes run. */
  batches: number;
  /** Padding positions fed to the model in all batches. */
  paddingTokens: number;
}

/** Throws unless `texts` is a non-empty array of strings, naming the first bad item. */
export function validateTexts(texts: unknown, argName = "texts"): asserts texts is string[] {
  if (!Array.isArray(texts)) {
    throw new TypeError(`${argName} must be an array of strings (one text per item); got ${describe(texts)}. For one text, pass [text].`);
  }
  if (texts.length === 0) throw new RangeError(`${argName} is empty: give at least one text to classify`);
  const bad = texts.findIndex((t) => typeof t !== "string");
  if (bad >= 0) throw new TypeError(`${argName}[${bad}] must be a string; got ${describe(texts[bad])}`);
}

/** The most tokens the model takes, from the tokenizer (512 for DistilBERT). */
function maxTokens(tokenizer: PreTrainedTokenizer): number {
  const limit = Number(tokenizer.model_max_length);
  return Number.isFinite(limit) && limit > 0 ? limit : 512;
}

/**
 * The sentiment pipeline by hand for any number of texts: validate, tokenize (padding + truncation, as the pipeline
 * does), run the model batch by batch, softmax, id2label. Truncated texts are reported, never cut silently.
 */
export async function classifyTexts(parts: TextClassifierParts, texts: readonly string[], options: ClassifyOptions = {}): Promise<ClassifyResult> {
  validateTexts(texts);
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer; got ${String(options.batchSize)}`);
  const limit = maxTokens(parts.tokenizer);
  const lengths = texts.map((text) => parts.tokenizer.encode(text).length);
  const truncated = lengths.flatMap((tokens, index) => (tokens > limit ? [{ index, tokens, kept: limit }] : []));
  const report = options.onTruncate ?? ((r: TruncationReport) =>
    console.warn(`warning: text ${r.index} has ${r.tokens} tokens; the model takes ${r.kept}, so it was truncated`));
  truncated.forEach(report);

  const order = texts.map((_, i) => i);
  if (options.sortByLength ?? true) order.sort((a, b) => lengths[a] - lengths[b]);
  const predictions: LabelScore[] = new Array(texts.length);
  let batches = 0;
  let paddingTokens = 0;
  for (let start = 0; start < order.length; start += batchSize) {
    const members = order.slice(start, start + batchSize);
    const inputs = await parts.tokenizer(members.map((i) => texts[i]), { padding: true, truncation: true });
    const mask = inputs.attention_mask as Tensor;
    paddingTokens += Array.from(mask.data as BigInt64Array).filter((m) => Number(m) === 0).length;
    const { logits } = (await parts.model(inputs)) as { logits: Tensor };
    const rows = toPipelineOutput(logits, parts.id2label, { expectedRows: members.length }) as LabelScore[];
    members.forEach((textIndex, row) => { predictions[textIndex] = rows[row]; });
    batches++;
  }
  return { predictions, truncated, batches, paddingTokens };
}
