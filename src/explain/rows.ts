// From an attribution run to what the coloured-text display takes: every token, with a score where one
// was computed and null elsewhere ([CLS], [SEP]).
import type { AttributionRow } from "../plot/attribution";
import { idsToTokens, type VocabSource } from "../pipeline/tokens";
import type { AttributionRun } from "./attribution";

/** One display row per sentence: its tokens and their scores (null where nothing was explained). */
export function attributionRows(run: AttributionRun, tokenizer: VocabSource, labels?: readonly string[]): AttributionRow[] {
  if (labels && labels.length !== run.sentences.length) {
    throw new RangeError(`labels has ${labels.length} entries but the run explains ${run.sentences.length} sentences`);
  }
  return run.sentences.map((s, i) => {
    const tokens = idsToTokens(tokenizer, s.ids);
    const at = new Map(s.positions.map((p, k) => [p, s.scores[k]]));
    return { label: labels?.[i] ?? `sentence ${i + 1}`, tokens, scores: tokens.map((_, p) => at.get(p) ?? null) };
  });
}
