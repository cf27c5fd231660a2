/** `WORKBOOK_MODEL` (or another selection variable) holds a value the workbook cannot use. */
export class ModelSelectionError extends Error {
  override name = "ModelSelectionError";
}

/** The selected model cannot be loaded: files missing or damaged, unknown Hub id, not cached while offline. */
export class ModelLoadError extends Error {
  override name = "ModelLoadError";

  /** `location` is the Hub id or the file/directory path the problem is about. */
  constructor(message: string, readonly location: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * One line summing up an error, for use inside our own messages: its message's first line without a
 * closing period, plus the network cause (`ENOTFOUND huggingface.co`) that `fetch failed` hides.
 */
export function firstLine(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0].trim().replace(/\.+$/, "");
  const cause = (error as { cause?: { code?: unknown; hostname?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === "string") return `${message}: ${cause.code}${typeof cause.hostname === "string" ? ` ${cause.hostname}` : ""}`;
  return message;
}
