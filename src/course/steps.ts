// A notebook step that needs the model graph's structure (the hidden states, the head's weights) cannot be shown
// for a graph the helper does not recognise. The notebook then says so once and goes on with the steps that need
// only transformers.js, instead of stopping at the first cell that needs the head.
import * as path from "node:path";
import { GraphStructureError } from "../onnx/errors";
import { wrapText } from "../plot/text";

/** A model's name as a reader knows it: a Hub id as given, a directory by its last part. */
function shortName(model: string): string {
  return path.isAbsolute(model) ? path.basename(model) : model;
}

/** Absolute paths of model files shortened to their part inside the model folder (`onnx/model.onnx`). */
function withoutFolders(message: string): string {
  return message.replace(/(?:[A-Za-z]:)?[\\/][^\s'"]*?[\\/](onnx[\\/][^\s'"]+?\.onnx)/g, "$1");
}

/**
 * Runs `run`, one step of a notebook that needs the model graph's structure. When the graph is not one the helper
 * reads (a `GraphStructureError`), prints "This step can't be shown for <model>: <step>" and why, and returns
 * undefined so that later cells can skip what depends on it; any other error is thrown as usual.
 */
export async function stepOrSkip<T>(step: string, model: string, run: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof GraphStructureError)) throw error;
    const why = openLongWords(withoutFolders(error.message), 100);
    console.log(wrapText(`This step can't be shown for ${shortName(model)}: ${step}. ${why}`));
    return undefined;
  }
}

/** Words too long for a line (a list like `Gemm/MatMul/Add/…`) opened at their slashes, so the text can wrap there. */
function openLongWords(text: string, width: number): string {
  return text.split(" ").map((word) => (word.length > width / 2 ? word.replace(/\/(?=\S)/g, "/ ") : word)).join(" ");
}

/** Prints that a check did not run and why, so that a skipped check is never read as a passed one. */
export function skipCheck(what: string, why: string): void {
  console.log(wrapText(`– skipped: ${what} (${why})`));
}
