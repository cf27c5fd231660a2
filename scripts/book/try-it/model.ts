// Which model the "try it" panel runs: the one whose banner the page's outputs carry, found on this machine.
import * as fs from "node:fs";
import * as path from "node:path";
import { hubCacheDir, modelsDir, projectRoot } from "../../../src/model/paths";
import type { ModelNote } from "../model-note";

/** The files transformers.js fetches for a text-classification pipeline at dtype fp32, as the notebooks run it. */
export const PANEL_MODEL_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"] as const;

/** The weights the notebooks ran (Node's default); the browser's default would be q8, whose numbers differ. */
export const PANEL_DTYPE = "fp32";

/** A model the panel can run: where its files are, and the id the worker asks transformers.js for. */
export interface PanelModel {
  /** Path under the site's models folder and the id passed to `pipeline()`, e.g. `distilbert-sst2-demo`. */
  id: string;
  dir: string;
  /** Label names by id, from config.json (`LABEL_i` where it has none). */
  labels: string[];
  /** True when config.problem_type is multi_label_classification: each label gets its own sigmoid. */
  multiLabel: boolean;
}

/** Why the panel cannot run the model behind a page. */
export interface MissingModel {
  why: string;
}

/** Where the banner says the files are, and the id to serve them under; undefined when it names no model. */
function locate(banner: string): { id: string; dir: string } | undefined {
  const demo = /\boffline demo model ([\w.-]+)/i.exec(banner);
  if (demo) return { id: demo[1], dir: path.join(modelsDir(), demo[1]) };
  const local = /^Model: local directory (.+?) \(/.exec(banner);
  if (local) return { id: `local/${path.basename(local[1]).replace(/[^\w.-]/g, "_")}`, dir: path.resolve(projectRoot(), local[1]) };
  // A Hub checkpoint: transformers.js's file cache mirrors the repository's layout.
  const hub = /^Model: ([A-Za-z0-9][\w.-]*\/[\w.-]*[\w-])(?=[, ]|\.?$)/.exec(banner);
  if (hub) return { id: hub[1], dir: path.join(hubCacheDir(), ...hub[1].split("/")) };
  return undefined;
}

/** The label names of a config: `id2label` in id order, `LABEL_i` for ids it lacks. */
function labelsOf(config: { id2label?: Record<string, string>; num_labels?: number }): string[] {
  const id2label = config.id2label ?? {};
  const ids = Object.keys(id2label).map(Number).filter(Number.isInteger);
  const count = Math.max(config.num_labels ?? 0, ids.length === 0 ? 0 : Math.max(...ids) + 1);
  return Array.from({ length: count }, (_, i) => id2label[String(i)] ?? `LABEL_${i}`);
}

/** The model behind a page's outputs, if its files are on this machine; otherwise why the panel cannot run it. */
export function findPanelModel(note: ModelNote): PanelModel | MissingModel {
  const found = locate(note.text);
  if (!found) return { why: "the page does not say which model made its outputs" };
  const missing = PANEL_MODEL_FILES.filter((file) => !fs.statSync(path.join(found.dir, file), { throwIfNoEntry: false })?.isFile());
  if (missing.length > 0) return { why: `${found.dir} lacks ${missing.join(", ")}` };
  let config: { id2label?: Record<string, string>; num_labels?: number; problem_type?: string };
  try {
    config = JSON.parse(fs.readFileSync(path.join(found.dir, "config.json"), "utf8"));
  } catch (error) {
    return { why: `${path.join(found.dir, "config.json")} is not JSON (${(error as Error).message})` };
  }
  return { ...found, labels: labelsOf(config), multiLabel: config.problem_type === "multi_label_classification" };
}
