/** A seeded, stratified train/test split: each part keeps the sample's spam/ham balance. */
export interface Email {
  id: string;
  group: string;
  label: 0 | 1;
  text: string;
}

export function stratifiedSplit<T extends { label: number }>(items: readonly T[], testFraction: number, seed: number): { train: T[]; test: T[] } {
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`testFraction must be in (0, 1); got ${testFraction}`);
  let s = seed >>> 0;
  const random = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const train: T[] = [];
  const test: T[] = [];
  for (const label of [...new Set(items.map((e) => e.label))].sort()) {
    const group = items.filter((e) => e.label === label);
    for (let i = group.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [group[i], group[j]] = [group[j]!, group[i]!];
    }
    const nTest = Math.round(group.length * testFraction);
    test.push(...group.slice(0, nTest));
    train.push(...group.slice(nTest));
  }
  return { train, test };
}
