import { describe, expect, it } from 'vitest';
import { allPairs } from './support/pairwise';
import { LSTM_DIMENSIONS, LSTM_TABLE } from './support/lstmCases';

describe('pairwise table', () => {
  it('covers every pair of values of any two LSTM test dimensions', () => {
    const names = Object.keys(LSTM_DIMENSIONS) as (keyof typeof LSTM_DIMENSIONS)[];
    for (const a of names) {
      for (const b of names) {
        if (a >= b) continue;
        for (const va of LSTM_DIMENSIONS[a]) {
          for (const vb of LSTM_DIMENSIONS[b]) {
            const found = LSTM_TABLE.some((row) => row[a] === va && row[b] === vb);
            expect(found, `${a}=${String(va)} with ${b}=${String(vb)}`).toBe(true);
          }
        }
      }
    }
    // far fewer rows than the 3·3·3·5·2·2·2 = 1080 of the full product
    expect(LSTM_TABLE.length).toBeLessThanOrEqual(25);
  });

  it('finds a missing pair when a dimension value is left out', () => {
    const rows = allPairs({ a: [1, 2], b: ['x', 'y'] });
    expect(rows).toHaveLength(4);
    expect(rows.filter((r) => r.a === 2 && r.b === 'y')).toHaveLength(1);
  });
});
