// What "why this label?" costs: the logit lens and the two attributions on the course batch, each
// against a plain forward pass (tokenizer + model). All four tasks are timed in the same rounds, in an
// order that rotates every round, so they see the same machine load.
import type { SentimentModel } from "../../src/model";
import { inspectModel } from "../../src/onnx";
import { logitLens, occlusion, shapleyValues, type Forward, type AttributionRun } from "../../src/explain";
import type { TensorLike } from "../../src/tensor";
import { checkRepeat, timeOnce, type RepeatOptions } from "./stats";

/** Milliseconds per run of each task, and how much work each attribution does. */
export interface ExplainTimes {
  readonly plainMs: number[];
  readonly lensMs: number[];
  readonly occlusionMs: number[];
  readonly shapleyMs: number[];
  readonly occlusionVariants: number;
  readonly shapleySubsets: number;
  readonly shapleyMethod: string;
  readonly layers: number;
}

/** The Shapley settings notebook 10 uses (exact up to 8 tokens, else 16 sampled orderings). */
export const BENCH_SHAPLEY = { exactUpTo: 8, permutations: 16, seed: 1 } as const;

/** Times `tasks` in rounds, rotating which goes first, after `warmup` discarded rounds. */
export async function timeRounds(tasks: readonly (() => unknown)[], options: RepeatOptions): Promise<number[][]> {
  checkRepeat(options, "timeRounds");
  for (let i = 0; i < options.warmup; i++) for (const task of tasks) await task();
  const times = tasks.map(() => [] as number[]);
  for (let round = 0; round < options.runs; round++) {
    for (let k = 0; k < tasks.length; k++) {
      const t = (round + k) % tasks.length;
      times[t].push(await timeOnce(tasks[t]));
    }
  }
  return times;
}

/** Times plain forward, lens, occlusion and Shapley values on `texts`, after checking each does its work. */
export async function benchExplain(model: SentimentModel, texts: readonly string[], repeat: RepeatOptions): Promise<ExplainTimes> {
  const inspected = await inspectModel(model.onnxPath("fp32"));
  const forward: Forward = async (batch) => (await model.model(batch)) as { logits: TensorLike };
  const special = { maskId: Number(model.tokenizer.mask_token_id), padId: Number(model.tokenizer.pad_token_id) };
  const plain = async () => model.model(await model.tokenizer([...texts], { padding: true, truncation: true }));
  const lens = async () => {
    const inputs = await model.tokenizer([...texts], { padding: true, truncation: true });
    return logitLens((await inspected.run(inputs)).hiddenStates, inspected.headWeights());
  };
  const sentences = () => texts.map((text) => (model.tokenizer(text).input_ids.tolist() as bigint[][])[0].map(Number));
  const occlude = () => occlusion(forward, sentences(), { mode: "mask", ...special });
  const shapley = () => shapleyValues(forward, sentences(), { ...special, ...BENCH_SHAPLEY });
  const checked: [ReturnType<typeof logitLens>, AttributionRun, AttributionRun] = [await lens(), await occlude(), await shapley()];
  const { logits } = await plain();
  const last = checked[0].logits.at(-1)!.flat();
  const expected = Array.from(logits.data as Float32Array, Number);
  if (last.some((v, i) => Math.abs(v - expected[i]) > 1e-3)) {
    throw new Error(`the logit lens's last reading [${last}] is not the model's logits [${expected}]; timing it would time the wrong work`);
  }
  const [plainMs, lensMs, occlusionMs, shapleyMs] = await timeRounds([plain, lens, occlude, shapley], repeat);
  return {
    plainMs, lensMs, occlusionMs, shapleyMs,
    occlusionVariants: checked[1].variants,
    shapleySubsets: checked[2].variants,
    shapleyMethod: checked[2].method,
    layers: inspected.facts.layers,
  };
}
