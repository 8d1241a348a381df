/**
 * A pairwise (all-pairs) test table: every value of every dimension appears, and every pair of values of any
 * two dimensions appears together in at least one row, in far fewer rows than the full product. Greedy and
 * seeded, so the table is the same on every run.
 */
import { rng } from './random';

export type Dimensions = Record<string, readonly unknown[]>;
export type Row<D extends Dimensions> = { [K in keyof D]: D[K][number] };

function pairKey(a: number, va: number, b: number, vb: number): string {
  return a < b ? `${a}:${va}|${b}:${vb}` : `${b}:${vb}|${a}:${va}`;
}

export function allPairs<D extends Dimensions>(dims: D, seed = 1): Row<D>[] {
  const names = Object.keys(dims);
  const sizes = names.map((n) => dims[n]!.length);
  const uncovered = new Set<string>();
  for (let a = 0; a < names.length; a++) {
    for (let b = a + 1; b < names.length; b++) {
      for (let va = 0; va < sizes[a]!; va++) for (let vb = 0; vb < sizes[b]!; vb++) uncovered.add(pairKey(a, va, b, vb));
    }
  }
  const random = rng(seed);
  const rows: number[][] = [];
  while (uncovered.size > 0) {
    let best: number[] = [];
    let bestGain = -1;
    for (let attempt = 0; attempt < 30; attempt++) {
      // Seed the row with one uncovered pair, then fill the other dimensions greedily in random order.
      const [first] = [...uncovered].slice(Math.floor(random() * uncovered.size));
      const row = new Array<number>(names.length).fill(-1);
      for (const part of first!.split('|')) {
        const [d, v] = part.split(':').map(Number) as [number, number];
        row[d] = v;
      }
      const order = names
        .map((_, i) => i)
        .filter((i) => row[i] === -1)
        .sort(() => random() - 0.5);
      for (const d of order) {
        let bestValue = 0;
        let bestCount = -1;
        for (let v = 0; v < sizes[d]!; v++) {
          let count = 0;
          for (let o = 0; o < names.length; o++) if (row[o]! >= 0 && uncovered.has(pairKey(d, v, o, row[o]!))) count++;
          if (count > bestCount) [bestValue, bestCount] = [v, count];
        }
        row[d] = bestValue;
      }
      let gain = 0;
      for (let a = 0; a < names.length; a++) for (let b = a + 1; b < names.length; b++) if (uncovered.has(pairKey(a, row[a]!, b, row[b]!))) gain++;
      if (gain > bestGain) [best, bestGain] = [row, gain];
    }
    for (let a = 0; a < names.length; a++) for (let b = a + 1; b < names.length; b++) uncovered.delete(pairKey(a, best[a]!, b, best[b]!));
    rows.push(best);
  }
  return rows.map((row) => Object.fromEntries(names.map((n, i) => [n, dims[n]![row[i]!]])) as Row<D>);
}
