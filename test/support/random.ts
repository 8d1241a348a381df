/** Seeded random numbers, so every test case is the same on every run: the generator weight init uses. */
import { seededRandom } from '../../src/layers/initializers';

export const rng = seededRandom;

/** `length` float32 values uniform in [-scale, scale). */
export function uniform(random: () => number, length: number, scale: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (random() * 2 - 1) * scale;
  return out;
}
