/** The files of a demo model directory, keyed by their path inside it (`onnx/model.onnx`, `config.json`, …). */
export type DemoModelFiles = Record<string, Uint8Array>;

/** A model directory this project builds itself, so notebooks and tests run with no network. */
export interface DemoModel {
  /** Directory name under `build/models/`; also what `ensureDemoModel(name)` takes. */
  readonly name: string;
  /** One line saying what the demo model stands in for. */
  readonly description: string;
  /**
   * Project-relative files or folders whose contents decide what the demo model holds (its builder's sources,
   * the packages it reads data from). A built copy whose recorded fingerprint of these differs is stale.
   */
  readonly sources: readonly string[];
  /** Builds every file; equal sources must give equal bytes. */
  build(): DemoModelFiles;
}

/** Pretty JSON (2 spaces) with a trailing newline, as `save_pretrained` writes it: stable bytes for equal input. */
export function jsonFileBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}
