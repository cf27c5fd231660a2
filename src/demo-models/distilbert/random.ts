import { mulberry32 } from "../../tensor/random";

/**
 * A small seeded random generator (mulberry32) with a Gaussian on top. The demo model's weights must be
 * byte-identical on every build, so nothing here touches Math.random; V8's Math.log/cos/sqrt are the
 * same fdlibm code on every platform, so equal seeds give equal floats.
 */
export class SeededRandom {
  private readonly next: () => number;
  private spareGaussian: number | null = null;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** A uniform number in [0, 1). */
  uniform(): number {
    return this.next();
  }

  /** A standard normal number (Box–Muller, both values used). */
  gaussian(): number {
    if (this.spareGaussian !== null) {
      const spare = this.spareGaussian;
      this.spareGaussian = null;
      return spare;
    }
    const u = 1 - this.uniform();
    const v = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareGaussian = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** `n` standard normal numbers. */
  gaussians(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.gaussian();
    return out;
  }
}
