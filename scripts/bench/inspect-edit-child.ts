// Child process of benchEditLargeModel (inspect.ts): edits one model and reports time and peak memory.
import { inspectModelEdit } from "./inspect";

const file = process.argv[2];
void inspectModelEdit(file).then((result) => process.send?.(result));
