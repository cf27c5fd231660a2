// A fixed, reproducible set of English-like sentences of mixed length for throughput figures: same seed,
// same sentences, on every machine, so runs can be compared.
import { SeededRandom } from "../../src/demo-models/distilbert/random";
import { NEGATIVE_WORDS, POSITIVE_WORDS } from "../../src/demo-models/distilbert/lexicon";

const FILLER = (
  "the a an this that it was is were be been very really quite so too not never and but or because although " +
  "movie film story plot actor actors cast music scene scenes ending director camera script show series book " +
  "food service staff room hotel phone battery screen price delivery product order app update game team " +
  "i we you they he she my our their your some every all most many few little much more less time day night " +
  "just still even also again almost rather somewhat after before during while when then there here today"
).split(" ");
const WORDS = [...FILLER, ...FILLER, ...Object.keys(POSITIVE_WORDS), ...Object.keys(NEGATIVE_WORDS)];

// Word counts: mostly short sentences, a good share of medium ones, a few long reviews.
const LENGTH_BUCKETS: readonly { share: number; min: number; max: number }[] = [
  { share: 0.5, min: 3, max: 10 },
  { share: 0.35, min: 11, max: 30 },
  { share: 0.15, min: 31, max: 90 },
];

/** Default seed of `mixedLengthSentences`. */
export const SENTENCES_SEED = 20240610;

/** `count` sentences of 3–90 words (half short, a third medium, the rest long), the same for the same seed. */
export function mixedLengthSentences(count: number, seed = SENTENCES_SEED): string[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be an integer ≥ 0; got ${count}`);
  const random = new SeededRandom(seed);
  const pick = (n: number) => Math.floor(random.uniform() * n);
  const sentences: string[] = [];
  for (let i = 0; i < count; i++) {
    let u = random.uniform();
    const bucket = LENGTH_BUCKETS.find((b) => (u -= b.share) < 0) ?? LENGTH_BUCKETS[LENGTH_BUCKETS.length - 1];
    const words = bucket.min + pick(bucket.max - bucket.min + 1);
    const text = Array.from({ length: words }, () => WORDS[pick(WORDS.length)]).join(" ");
    sentences.push(`${text[0].toUpperCase()}${text.slice(1)}${random.uniform() < 0.2 ? "!" : "."}`);
  }
  return sentences;
}
