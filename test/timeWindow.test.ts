/**
 * Which models' batches may be cropped to their real steps, and to which window (src/model/timeWindow.ts), with the
 * batch gathered from it (src/model/data.ts gatherBatch).
 */
import { describe, expect, it } from 'vitest';
import * as layers from '../src/layers/factories';
import { gatherBatch } from '../src/model/data';
import { WINDOW_LENGTHS, batchWindow, croppableMask } from '../src/model/timeWindow';

const ids = (rows: number[][]) => ({ data: Float32Array.from(rows.flat()), count: rows.length, sampleShape: [rows[0]!.length] });

describe('croppableMask', () => {
  const embedding = (maskZero: boolean) => layers.embedding({ inputDim: 10, outputDim: 3, maskZero, inputShape: [8] });

  it('takes a model whose first layer masks and whose mask is consumed by layers that skip masked steps', () => {
    expect(croppableMask([embedding(true), layers.lstm({ units: 2 }), layers.dense({ units: 1 })])).not.toBeNull();
    expect(
      croppableMask([
        layers.masking({ maskValue: 0.5, inputShape: [8, 2] }),
        layers.dense({ units: 3 }),
        layers.dropout({ rate: 0.2 }),
        layers.layerNormalization(),
        layers.timeDistributed({ layer: layers.dense({ units: 3 }) }),
        layers.bidirectional({ layer: layers.gru({ units: 2, returnSequences: true }) }),
        layers.globalAveragePooling1d(),
        layers.repeatVector({ n: 3 }),
        layers.simpleRNN({ units: 2, returnSequences: true }),
      ]),
    ).not.toBeNull();
  });

  it('refuses a model without a mask source first, a masked sequence output, max pooling over the mask and a stateful layer', () => {
    expect(croppableMask([embedding(false), layers.lstm({ units: 2 })])).toBeNull();
    expect(croppableMask([layers.dense({ units: 2, inputShape: [8, 2] }), layers.lstm({ units: 2 })])).toBeNull();
    expect(croppableMask([embedding(true), layers.lstm({ units: 2, returnSequences: true })])).toBeNull();
    expect(croppableMask([embedding(true), layers.lstm({ units: 2, returnSequences: true }), layers.globalMaxPooling1d()])).toBeNull();
    expect(croppableMask([embedding(true), layers.lstm({ units: 2, stateful: true })])).toBeNull();
  });

  it("tests a step as the mask source's kernel does", () => {
    const ofIds = croppableMask([embedding(true), layers.lstm({ units: 2 })])!;
    expect([0, 3].map((id) => ofIds(Float32Array.of(id), 0, 1))).toEqual([false, true]);
    // maskValue is compared in float32, as the kernel compares it.
    const ofValues = croppableMask([layers.masking({ maskValue: 0.1, inputShape: [8, 2] }), layers.lstm({ units: 2 })])!;
    expect(ofValues(Float32Array.of(0.1, 0.1), 0, 2)).toBe(false);
    expect(ofValues(Float32Array.of(0.1, 0), 0, 2)).toBe(true);
  });
});

describe('batchWindow', () => {
  const isReal = (v: Float32Array, at: number) => v[at] !== 0;
  const x = ids([
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 5], // real 14..15 (padded before)
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0], // real 10..11
    [3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], // real 0 (padded after)
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], // all padding
  ]);

  it('spans the rows’ real steps, rounded up to a multiple of a quarter of the steps and kept inside them', () => {
    expect(WINDOW_LENGTHS).toBe(4);
    expect(batchWindow(x, [0], 16, isReal)).toEqual({ start: 12, steps: 4 });
    expect(batchWindow(x, [0, 1], 16, isReal)).toEqual({ start: 8, steps: 8 });
    expect(batchWindow(x, [1, 2], 16, isReal)).toEqual({ start: 0, steps: 12 });
    expect(batchWindow(x, [0, 2], 16, isReal)).toEqual({ start: 0, steps: 16 });
    expect(batchWindow(x, [3], 16, isReal)).toEqual({ start: 0, steps: 4 });
  });

  it('gathers only the window, time-major', () => {
    const window = batchWindow(x, [0, 1], 16, isReal);
    const batch = gatherBatch(x, [0, 1], 16, window);
    expect(batch.length).toBe(2 * 8);
    // step t of the window, row b at t·batch + b
    expect([...batch.subarray(2 * 2, 2 * 4)]).toEqual([0, 1, 0, 2]);
    expect([...batch.subarray(2 * 6)]).toEqual([4, 0, 5, 0]);
  });
});
