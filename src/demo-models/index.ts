import { bertDemoModel } from "./bert";
import { debertaV2DemoModel } from "./deberta-v2";
import { robertaDemoModel } from "./roberta";
import type { DemoModel } from "./demo-model";
import { sentimentDemoModel } from "./sentiment";
import { softmaxNetsDemoModel } from "./softmax-nets";
import { t5DemoModel } from "./t5";

export type { DemoModel, DemoModelFiles } from "./demo-model";
export { jsonFileBytes } from "./demo-model";
export { SENTIMENT_DEMO_MODEL_NAME, sentimentDemoModel } from "./sentiment";
export { BERT_DEMO_MODEL_NAME, BERT_LABELS, bertDemoModel, buildBertFiles } from "./bert";
export { ROBERTA_DEMO_MODEL_NAME, ROBERTA_LABELS, robertaDemoModel, buildRobertaFiles } from "./roberta";
export { DEBERTA_V2_DEMO_MODEL_NAME, DEBERTA_V2_LABELS, debertaV2DemoModel, buildDebertaV2Files } from "./deberta-v2";
export { T5_DEMO_MODEL_NAME, t5DemoModel, buildT5Files, type T5Files } from "./t5";
export * from "./build";

/** Every demo model `npm run demo-models` builds; add new ones (T5, small softmax nets, …) here. */
export const DEMO_MODELS: readonly DemoModel[] = [sentimentDemoModel, bertDemoModel, robertaDemoModel, debertaV2DemoModel, t5DemoModel, softmaxNetsDemoModel];

/** The registered demo model called `name`; throws naming the known ones otherwise. */
export function findDemoModel(name: string): DemoModel {
  const demoModel = DEMO_MODELS.find((f) => f.name === name);
  if (!demoModel) throw new Error(`No demo model named "${name}"; known demo models: ${DEMO_MODELS.map((f) => f.name).join(", ")} (see src/demo-models/index.ts)`);
  return demoModel;
}
