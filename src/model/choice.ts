// The shape of a model choice, apart from how select.ts makes one: paths.ts and transformers-env.ts need the
// types, and select.ts needs them, so the types live here and the import graph stays a tree.

/** Environment variables as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Which model the workbook runs on, and why. `source` is the string handed to transformers.js. */
export type ModelChoice =
  | {
      kind: "hub";
      id: string;
      source: string;
      /** True for the course's checkpoint chosen by default: only then may loading fall back to the demo model. */
      isDefault: boolean;
      /** True when HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE forbid downloads: the files must already be cached. */
      offline: boolean;
      endpoint: string;
      /** Where downloaded files are cached: `build/hf-cache`, or `WORKBOOK_HF_CACHE` (see `hubCacheDir`). */
      cacheDir: string;
      reason: string;
    }
  | {
      kind: "demo";
      name: string;
      dir: string;
      source: string;
      reason: string;
      /** Set when the demo model stands in for the default checkpoint because the Hub could not be reached. */
      hubProblem?: string;
    }
  | { kind: "directory"; dir: string; source: string; reason: string };
