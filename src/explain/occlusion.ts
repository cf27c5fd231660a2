// Occlusion: take one token away and see how far the score falls. A token's contribution is
// score(sentence) − score(sentence without it). Every variant of every sentence goes into one batch.
import { assertSentences, explainedPositions, type AttributionRun, type PositionOptions } from "./attribution";
import { logitDifference, scoreRows, type Forward, type ScoreOf } from "./batch";

/** Options for `occlusion`. */
export interface OcclusionOptions extends PositionOptions {
  /** `mask`: replace the token with `maskId` (positions stay put); `remove`: drop it (the sentence shortens). */
  readonly mode: "mask" | "remove";
  /** The tokenizer's [MASK] id, for mode `mask`. */
  readonly maskId?: number;
  /** The tokenizer's [PAD] id, for padding the batch. */
  readonly padId: number;
  /** The number explained; default logit[1] − logit[0] (POSITIVE − NEGATIVE for the course's model). */
  readonly score?: ScoreOf;
  /** Largest batch per forward pass (default: everything in one pass). */
  readonly maxBatch?: number;
}

/** The sentence with position `p` occluded. */
export function occludeOne(ids: readonly number[], p: number, mode: "mask" | "remove", maskId?: number): number[] {
  if (mode === "remove") return ids.filter((_, i) => i !== p);
  if (maskId === undefined) throw new TypeError('mode "mask" needs maskId: pass tokenizer.mask_token_id (the id of [MASK])');
  return ids.map((id, i) => (i === p ? maskId : id));
}

/** Occlusion for every explained token of every sentence, in one forward pass (unless `maxBatch` splits it). */
export async function occlusion(forward: Forward, sentences: readonly (readonly number[])[], options: OcclusionOptions): Promise<AttributionRun> {
  assertSentences(sentences);
  if (options.mode !== "mask" && options.mode !== "remove") throw new TypeError(`mode must be "mask" or "remove"; got ${String(options.mode)}`);
  const rows: number[][] = [];
  const plan = sentences.map((ids, s) => {
    const positions = explainedPositions(ids, s, options);
    const start = rows.length;
    rows.push([...ids]);
    for (const p of positions) rows.push(occludeOne(ids, p, options.mode, options.maskId));
    // The baseline: every explained position occluded at once.
    rows.push(positions.reduceRight<number[]>((row, p) => occludeOne(row, p, options.mode, options.maskId), [...ids]));
    return { ids, positions, start };
  });
  const { scores, stats } = await scoreRows(forward, rows, { padId: options.padId, score: options.score ?? logitDifference(), maxBatch: options.maxBatch });
  return {
    method: `occlusion (${options.mode})`,
    sentences: plan.map(({ ids, positions, start }) => {
      const full = scores[start];
      return {
        ids, positions, full,
        scores: positions.map((_, k) => full - scores[start + 1 + k]),
        baseline: scores[start + 1 + positions.length],
      };
    }),
    variants: stats.rows,
    forwardPasses: stats.forwardPasses,
  };
}
