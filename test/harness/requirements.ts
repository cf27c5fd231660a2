/**
 * The cross-check tools some tests compare against or drive (Debian packages), and whether each is here.
 * Tests that need one skip without it — locally, with the reason printed; under CI=true the driver fails the run
 * up front, naming every missing tool and its package, so CI cannot go green by skipping.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";

/** A tool and how to check for it. */
interface Requirement {
  what: string;
  /** The Debian package that provides it (.ci/run installs these). */
  apt: string;
  missing: () => boolean;
}

const PYTHON = "/usr/bin/python3";
const pythonLacks = (module: string) => () => spawnSync(PYTHON, ["-c", `import ${module}`], { stdio: "ignore" }).status !== 0;

const REQUIREMENTS: Requirement[] = [
  { what: "nbclient and nbformat for /usr/bin/python3", apt: "python3-nbclient", missing: pythonLacks("nbclient, nbformat") },
  { what: "nbconvert for /usr/bin/python3", apt: "jupyter-nbconvert", missing: pythonLacks("nbconvert") },
  { what: "jupyter_client for /usr/bin/python3", apt: "jupyter-client", missing: pythonLacks("jupyter_client") },
  { what: "the classic Jupyter Notebook for /usr/bin/python3", apt: "jupyter-notebook", missing: pythonLacks("notebook") },
  { what: `Chromium at ${process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"}`, apt: "chromium", missing: () => !fs.existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium") },
];

/** Every cross-check tool that is missing here, as "what (apt-get install package)". */
export function missingRequirements(): string[] {
  const missing = REQUIREMENTS.filter((r) => r.missing()).map((r) => `${r.what} (apt-get install ${r.apt})`);
  // The attack-as-another-user and full-disk tests need root (CI runs as root, in a container).
  if (process.getuid?.() !== 0) missing.push("root, to run the HMAC attack as `nobody` and to mount a full tmpfs (run as root)");
  return missing;
}
