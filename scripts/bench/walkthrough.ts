// Does taking the pipeline apart cost anything? The course's hand-made walkthrough (tokenize → model →
// softmax → argmax → id2label) against `pipeline()` on the same texts, same tokenizer, same ONNX session.
import type { PreTrainedModel, PreTrainedTokenizer, TextClassificationPipeline } from "@huggingface/transformers";
import { argmax, softmax } from "../../src/tensor";
import { timePair, type RepeatOptions } from "./stats";

/** What the walkthrough needs: the parts of a loaded sentiment model (see `loadSentimentModel`). */
export interface WalkthroughParts {
  readonly tokenizer: PreTrainedTokenizer;
  readonly model: PreTrainedModel;
  readonly classifier: TextClassificationPipeline;
  readonly id2label: Record<number, string>;
}

/** One prediction, as the pipeline returns it for top_k = 1. */
export interface Prediction {
  label: string;
  score: number;
}

/** The notebooks' walkthrough in one function: tokenizer → model → softmax → argmax → id2label. */
export async function classifyByHand(parts: WalkthroughParts, texts: readonly string[]): Promise<Prediction[]> {
  const inputs = await parts.tokenizer([...texts], { padding: true, truncation: true });
  const { logits } = await parts.model(inputs);
  const probabilities = softmax(logits);
  const winners = argmax(probabilities);
  const labels = probabilities.dims[1];
  return Array.from(winners.data as BigInt64Array, (winner, row) => {
    const best = Number(winner);
    return { label: parts.id2label[best], score: Number(probabilities.data[row * labels + best]) };
  });
}

/** Milliseconds per call of the hand-made walkthrough and of the pipeline, measured in alternation. */
export interface WalkthroughVsPipeline {
  readonly handMadeMs: number[];
  readonly pipelineMs: number[];
}

/**
 * Times the walkthrough against the pipeline on `texts`, after checking that both give the same labels and
 * scores (so the two sides provably do the same work).
 */
export async function benchWalkthroughVsPipeline(parts: WalkthroughParts, texts: readonly string[], repeat: RepeatOptions): Promise<WalkthroughVsPipeline> {
  const byHand = await classifyByHand(parts, texts);
  const piped = (await parts.classifier([...texts])) as Prediction[];
  const mismatch = byHand.findIndex((p, i) => p.label !== piped[i]?.label || Math.abs(p.score - piped[i].score) > 1e-6);
  if (mismatch >= 0 || byHand.length !== piped.length) {
    throw new Error(
      `the hand-made walkthrough and pipeline() disagree on text ${mismatch} (${JSON.stringify(byHand[mismatch])} vs ` +
        `${JSON.stringify(piped[mismatch])}); timing them against each other would compare different work`,
    );
  }
  const times = await timePair(() => classifyByHand(parts, texts), () => parts.classifier([...texts]), repeat);
  return { handMadeMs: times.subject, pipelineMs: times.peer };
}
