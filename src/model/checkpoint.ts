import { COURSE_CHECKPOINT } from "../course/reference";
import { wrapText } from "../plot/text";
import { modelBanner } from "./banner";
import type { ModelDtype } from "../onnx/load";
import { fetchOnnxFiles, onnxPathOf, sentimentKind } from "./load";
import { openCheckpoint } from "./loader";
import { modelRecord, recordModel } from "./record";
import { chooseModel, type Env, type ModelChoice } from "./select";

/** The checkpoint a notebook runs on: what to hand to transformers.js, and what to tell the reader about it. */
export interface Checkpoint {
  /** What `pipeline(task, checkpoint)` and every `from_pretrained(checkpoint)` take: a Hub id or a model directory. */
  checkpoint: string;
  /** Where it comes from and why (Hub, directory, or the offline demo model). */
  choice: ModelChoice;
  /** What the notebook prints once at the top: which model runs and why, in lines of at most 100 characters. */
  banner: string;
  /** True for the course's own checkpoint: its numbers must be the course's. */
  isCourseCheckpoint: boolean;
  /** True for the offline demo model this project builds (`npm run demo-models`). */
  isDemoModel: boolean;
  /** Local path of its ONNX file of that kind (`fp32` unless asked), downloaded first for a Hub model that lacks it. */
  onnxFile(kind?: ModelDtype): Promise<string>;
}

/** Options of `chooseCheckpoint`. */
export interface CheckpointOptions {
  /** Environment to select from (default `process.env`). */
  env?: Env;
  /** How long to wait for the Hub before taking the demo model instead (default 5000 ms). */
  hubTimeoutMs?: number;
}

/**
 * Picks the checkpoint the environment selects (see `selectModel`: the course's Hub checkpoint by default,
 * `WORKBOOK_MODEL=offline` for the demo model, or a Hub id or directory) and points transformers.js's `env` at
 * it. When the default checkpoint's Hub cannot be reached, it takes the demo model and its banner says so.
 * Nothing is loaded: the notebook does that with `pipeline` and `from_pretrained`.
 */
export async function chooseCheckpoint(options: CheckpointOptions = {}): Promise<Checkpoint> {
  // Nothing is loaded here: the notebook does that with `pipeline` and `from_pretrained`.
  const { choice } = await openCheckpoint({ ...sentimentKind("fp32"), load: async () => undefined }, chooseModel(options.env ?? process.env), { hubTimeoutMs: options.hubTimeoutMs });
  const chosen = choice;
  const banner = wrapText(modelBanner(chosen));
  recordModel(modelRecord(chosen, banner));
  return {
    checkpoint: chosen.source,
    choice: chosen,
    banner,
    isCourseCheckpoint: chosen.kind === "hub" && chosen.id === COURSE_CHECKPOINT,
    isDemoModel: chosen.kind === "demo",
    async onnxFile(kind: ModelDtype = "fp32") {
      await fetchOnnxFiles(chosen, [kind]);
      return onnxPathOf(chosen, kind);
    },
  };
}
