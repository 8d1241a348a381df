/**
 * End to end: the founding tutorial's model (LSTM(50, relu) + Dense(1), Adam, MSE) learns a noisy sine wave
 * in headless Chrome, validated on the last 20 % of the windows (held out in time, not a random pick).
 */
import { describe, expect, it } from 'vitest';
import { skipGpu, useHarness } from './support/page';

describe.skipIf(skipGpu)('learning on WebGPU', () => {
  const page = useHarness();

  it('the tutorial model learns a noisy sine: validation MSE far below predicting the mean', async () => {
    const { valLoss, loss, baseline } = await page.call('learnSine', { points: 420, window: 20, units: 50, epochs: 12, seed: 5 });
    const last = valLoss[valLoss.length - 1]!;
    console.log(`noisy sine: val MSE ${last.toFixed(5)} after ${valLoss.length} epochs; predicting the mean: ${baseline.toFixed(5)}`);
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(loss[loss.length - 1]!).toBeLessThan(loss[0]!);
    // The noise alone (uniform ±0.1) has variance 0.0033; the mean predictor scores about 0.5.
    expect(last).toBeLessThan(0.1 * baseline);
  });
});
