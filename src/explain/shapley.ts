// Shapley values over tokens, without gradients: a token's share is its average marginal effect
// v(S ∪ {i}) − v(S) over coalitions S of the other tokens, where v(S) scores the sentence with only S
// kept and every other explained token replaced by [MASK]. Short sentences get the exact value (all
// 2^n coalitions); longer ones average over random orderings (Captum's ShapleyValueSampling). Either
// way the shares add up to v(all) − v(none) exactly, and every coalition is scored in one batch.
import { assertSentences, explainedPositions, type AttributionRun, type PositionOptions } from "./attribution";
import { logitDifference, scoreRows, type Forward, type ScoreOf } from "./batch";
import { mulberry32 } from "../tensor/random";

/** Options for `shapleyValues`. */
export interface ShapleyOptions extends PositionOptions {
  /** The tokenizer's [MASK] id: what an absent token becomes. */
  readonly maskId: number;
  readonly padId: number;
  readonly score?: ScoreOf;
  /** Exact Shapley values up to this many explained tokens (2^n coalitions); sampling above. Default 10. */
  readonly exactUpTo?: number;
  /** Random orderings per sentence when sampling; default 32. */
  readonly permutations?: number;
  /** Seed of the orderings, so a notebook prints the same numbers every run; default 1. */
  readonly seed?: number;
  readonly maxBatch?: number;
}

/** A random ordering of 0..n-1 (Fisher–Yates). */
function shuffled(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** n! for small n, as a float. */
function factorial(n: number): number {
  let f = 1;
  for (let k = 2; k <= n; k++) f *= k;
  return f;
}

/** Shapley weight of a coalition of size s among n players: s!(n−s−1)!/n!. */
export function shapleyWeight(s: number, n: number): number {
  return (factorial(s) * factorial(n - s - 1)) / factorial(n);
}

interface SentencePlan {
  ids: readonly number[];
  positions: number[];
  /** Coalition key ("0101…", one char per explained position) → row index in the batch. */
  rowOf: Map<string, number>;
  orders: number[][] | null;
}

/** Shapley values (exact or sampled) for every sentence; all coalitions of all sentences are scored together. */
export async function shapleyValues(forward: Forward, sentences: readonly (readonly number[])[], options: ShapleyOptions): Promise<AttributionRun> {
  assertSentences(sentences);
  if (!Number.isInteger(options.maskId)) throw new TypeError("maskId must be the id of [MASK] (tokenizer.mask_token_id)");
  const exactUpTo = options.exactUpTo ?? 10;
  const permutations = options.permutations ?? 32;
  if (!Number.isInteger(permutations) || permutations < 1) throw new RangeError(`permutations must be an integer ≥ 1; got ${permutations}`);
  if (!Number.isInteger(exactUpTo) || exactUpTo < 0 || exactUpTo > 20) throw new RangeError(`exactUpTo must be an integer in 0..20 (2^n rows); got ${exactUpTo}`);
  const random = mulberry32(options.seed ?? 1);
  const rows: number[][] = [];
  const need = (plan: SentencePlan, present: readonly boolean[]) => {
    const key = present.map((p) => (p ? "1" : "0")).join("");
    if (plan.rowOf.has(key)) return;
    plan.rowOf.set(key, rows.length);
    rows.push(plan.ids.map((id, i) => {
      const k = plan.positions.indexOf(i);
      return k >= 0 && !present[k] ? options.maskId : id;
    }));
  };
  const plans: SentencePlan[] = sentences.map((ids, s) => {
    const positions = explainedPositions(ids, s, options);
    const n = positions.length;
    const plan: SentencePlan = { ids, positions, rowOf: new Map(), orders: null };
    if (n <= exactUpTo) {
      for (let m = 0; m < 2 ** n; m++) need(plan, positions.map((_, k) => ((m >> k) & 1) === 1));
    } else {
      plan.orders = Array.from({ length: permutations }, () => shuffled(n, random));
      for (const order of plan.orders) {
        const present = new Array<boolean>(n).fill(false);
        need(plan, present);
        for (const k of order) {
          present[k] = true;
          need(plan, present);
        }
      }
    }
    return plan;
  });
  const { scores, stats } = await scoreRows(forward, rows, { padId: options.padId, score: options.score ?? logitDifference(), maxBatch: options.maxBatch });
  const value = (plan: SentencePlan, present: readonly boolean[]) => scores[plan.rowOf.get(present.map((p) => (p ? "1" : "0")).join(""))!];
  const sampled = plans.some((p) => p.orders);
  return {
    method: sampled ? `Shapley values (exact up to ${exactUpTo} tokens, else ${permutations} sampled orderings)` : "Shapley values (exact)",
    sentences: plans.map((plan) => {
      const n = plan.positions.length;
      const all = new Array<boolean>(n).fill(true);
      const none = new Array<boolean>(n).fill(false);
      const shares = new Array<number>(n).fill(0);
      if (plan.orders) {
        for (const order of plan.orders) {
          const present = [...none];
          let before = value(plan, present);
          for (const k of order) {
            present[k] = true;
            const after = value(plan, present);
            shares[k] += (after - before) / plan.orders.length;
            before = after;
          }
        }
      } else {
        for (let m = 0; m < 2 ** n; m++) {
          const present = plan.positions.map((_, k) => ((m >> k) & 1) === 1);
          const size = present.filter(Boolean).length;
          for (let k = 0; k < n; k++) {
            if (present[k]) continue;
            const withK = [...present];
            withK[k] = true;
            shares[k] += shapleyWeight(size, n) * (value(plan, withK) - value(plan, present));
          }
        }
      }
      return { ids: plan.ids, positions: plan.positions, scores: shares, full: value(plan, all), baseline: value(plan, none) };
    }),
    variants: stats.rows,
    forwardPasses: stats.forwardPasses,
  };
}
