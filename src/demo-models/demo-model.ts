/** The files of a demo model directory, keyed by their path inside it (`onnx/model.onnx`, `config.json`, …). */
export type DemoModelFiles = Record<string, Uint8Array>;

/** A model directory this project builds itself, so notebooks and tests run with no network. */
export interface DemoModel {
  /** Directory name under `build/models/`; also what `ensureDemoModel(name)` takes. */
  readonly name: string;
  /** One line saying what the demo model stands in for. */
  readonly description: string;
  /**
   * What decides the files the demo model holds: its builder's modules and folders, relative to the code
   * root (`demo-models/t5`, `onnx/proto`: src/*.ts under tsx, dist/*.js in notebooks), and `package:NAME`
   * for npm packages it reads data from. (`src/…` and `node_modules/NAME/package.json` are read the same way.)
   * A built copy is stale when the running code's fingerprint of these is not one it was built by.
   */
  readonly sources: readonly string[];
  /** Builds every file; equal sources must give equal bytes. */
  build(): DemoModelFiles;
}

/** Pretty JSON (2 spaces) with a trailing newline, as `save_pretrained` writes it: stable bytes for equal input. */
export function jsonFileBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}
