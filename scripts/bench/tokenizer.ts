// Tokenizer throughput: many sentences through transformers.js's tokenizer in one padded batch call (what
// the pipeline does), against one call per sentence.
import type { PreTrainedTokenizer } from "@huggingface/transformers";
import { timePair, type RepeatOptions } from "./stats";

/** Sentences per second (one value per measured run) of each way of calling the tokenizer. */
export interface TokenizerThroughput {
  readonly sentences: number;
  readonly batchPerSecond: number[];
  readonly onePerCallPerSecond: number[];
}

/** Times tokenizing `texts` as one padded, truncated batch and as one call per text, in alternation. */
export async function benchTokenizer(tokenizer: PreTrainedTokenizer, texts: readonly string[], repeat: RepeatOptions): Promise<TokenizerThroughput> {
  if (texts.length === 0) throw new RangeError("benchTokenizer needs at least one sentence");
  const all = [...texts];
  const times = await timePair(
    () => tokenizer(all, { padding: true, truncation: true }),
    () => {
      for (const text of all) tokenizer(text, { truncation: true });
    },
    repeat,
  );
  const perSecond = (ms: number) => texts.length / (ms / 1000);
  return { sentences: texts.length, batchPerSecond: times.subject.map(perSecond), onePerCallPerSecond: times.peer.map(perSecond) };
}
