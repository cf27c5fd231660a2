import * as path from "node:path";
import { projectRoot } from "./paths";
import type { ModelChoice } from "./select";

/** A path relative to the project root when it lies inside it (shorter, and the same on every machine). */
function shown(dir: string): string {
  const relative = path.relative(projectRoot(), dir);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : dir;
}

/** What a banner calls the default checkpoint, and whose numbers another model's are compared with. */
export interface BannerWording {
  defaultCheckpoint: string;
  reference: string;
}

/** The sentiment notebooks' wording: the default is the course's checkpoint, numbers are compared with the course. */
export const COURSE_WORDING: BannerWording = { defaultCheckpoint: "the course's checkpoint", reference: "the course" };

/** The one line a notebook prints at the top: which model runs, why, and whether its numbers match the reference. */
export function modelBanner(choice: ModelChoice, wording: BannerWording = COURSE_WORDING): string {
  switch (choice.kind) {
    case "hub": {
      const cached = choice.offline ? ", from the local cache (offline)" : "";
      return choice.isDefault
        ? `Model: ${choice.id}, ${wording.defaultCheckpoint} (Hugging Face Hub${cached}).`
        : `Model: ${choice.id} (Hugging Face Hub${cached}; ${choice.reason}): numbers will differ from ${wording.reference}.`;
    }
    case "demo":
      return choice.hubProblem
        ? `Model: offline demo model ${choice.name}, because the Hugging Face Hub cannot be reached (${choice.hubProblem}): ` +
            `its numbers differ from the course. Set WORKBOOK_MODEL=offline to skip the Hub check.`
        : `Model: offline demo model ${choice.name} (${choice.reason}; ${shown(choice.dir)}): the course's shapes, but its numbers differ from the course.`;
    case "directory":
      return `Model: local directory ${shown(choice.dir)} (${choice.reason}): numbers may differ from ${wording.reference}.`;
  }
}
