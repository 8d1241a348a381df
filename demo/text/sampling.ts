/**
 * Temperature sampling from a softmax output: p_i^(1/T), renormalised. T < 1 sharpens towards the likeliest
 * character (T → 0 is argmax), T > 1 flattens towards uniform. Works in log space so tiny probabilities at a
 * low temperature do not underflow to an all-zero distribution. Ids in `never` (the vocabulary's padding and
 * unknown ids) are never drawn, whatever the model gives them: a sample is text, not a '�'.
 */
export function sampleIndex(probs: ArrayLike<number>, temperature: number, random: () => number, never: readonly number[] = []): number {
  if (!(temperature > 0)) throw new Error(`temperature must be > 0; got ${temperature}`);
  if (probs.length === 0) throw new Error('sampleIndex needs at least one probability');
  const logits = Array.from(probs, (p, i) => (p > 0 && !never.includes(i) ? Math.log(p) / temperature : -Infinity));
  const max = Math.max(...logits);
  if (max === -Infinity) throw new Error('sampleIndex: every probability left to draw is 0 (or NaN); the model output is not a distribution');
  const weights = logits.map((l) => Math.exp(l - max));
  const total = weights.reduce((a, b) => a + b, 0);
  let r = random() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  // Rounding can leave r a hair above 0: the last index with any weight.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return 0;
}
