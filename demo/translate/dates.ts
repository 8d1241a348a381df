/**
 * The translate page's task, as TF.js's date-conversion-attention example poses it: a date written the ways people
 * write dates ("Jan 19, 2019", "19.01.2019", "1/19/19", …) in, the same date in ISO 8601 ("2019-01-19") out. Every
 * pair is generated here from a seeded random source, so the data needs no download and the split is fixed: the
 * held-out dates are days that training never sees, in any format.
 */
import { seededRandom } from '../../src/layers/initializers';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad2 = (n: number) => String(n).padStart(2, '0');

/** The ways a date is written, each a function of (year, month 1–12, day). */
export const FORMATS: ((y: number, m: number, d: number) => string)[] = [
  (y, m, d) => `${pad2(m)}/${pad2(d)}/${y}`,
  (y, m, d) => `${m}/${d}/${String(y).slice(2)}`,
  (y, m, d) => `${pad2(d)}.${pad2(m)}.${y}`,
  (y, m, d) => `${MONTHS[m - 1]!.slice(0, 3)} ${d}, ${y}`,
  (y, m, d) => `${d} ${MONTHS[m - 1]!.slice(0, 3)} ${y}`,
  (y, m, d) => `${MONTHS[m - 1]} ${d} ${y}`,
  (y, m, d) => `${d} ${MONTHS[m - 1]!} ${y}`,
  (y, m, d) => `${y}/${pad2(m)}/${pad2(d)}`,
  (y, m, d) => `${pad2(d)}-${MONTHS[m - 1]!.slice(0, 3).toUpperCase()}-${y}`,
  (y, m, d) => `${y}${pad2(m)}${pad2(d)}`,
];

/** Two-digit years (format 1) read as 1950–2049, so the range of years is that. */
export const FIRST_YEAR = 1950;
export const LAST_YEAR = 2049;

export const INPUT_LENGTH = 18;
export const OUTPUT_LENGTH = 10;
/** Input characters: index 0 is the padding after the text (a real token: every input is padded to INPUT_LENGTH). */
export const INPUT_CHARS = '\0' + '0123456789/.,- ' + [...new Set(MONTHS.join('') + MONTHS.join('').toUpperCase())].sort().join('');
/** Output characters, after 0 the start token the decoder reads first. */
export const OUTPUT_CHARS = '^0123456789-';

export function isoDate(y: number, m: number, d: number): string {
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/** Character ids of a written date, padded to INPUT_LENGTH; a character outside the vocabulary is an error naming it. */
export function encodeInput(text: string): number[] {
  if (text.length > INPUT_LENGTH) throw new Error(`a date of at most ${INPUT_LENGTH} characters, please; "${text}" has ${text.length}`);
  return Array.from({ length: INPUT_LENGTH }, (_, i) => {
    if (i >= text.length) return 0;
    const id = INPUT_CHARS.indexOf(text[i]!);
    if (id <= 0) throw new Error(`"${text[i]}" in "${text}" is not a character of a date (use digits, / . , - and month names)`);
    return id;
  });
}

export function encodeOutput(iso: string): number[] {
  return [...iso].map((c) => OUTPUT_CHARS.indexOf(c));
}

export function decodeOutput(ids: readonly number[]): string {
  return ids.map((i) => OUTPUT_CHARS[i] ?? '?').join('');
}

export interface DatePairs {
  /** Input ids [n, INPUT_LENGTH]. */
  inputs: Float32Array;
  /** Decoder inputs [n, OUTPUT_LENGTH]: the start token, then the target shifted right (teacher forcing). */
  decoderInputs: Float32Array;
  /** Target ids [n, OUTPUT_LENGTH] (sparse categorical). */
  targets: Float32Array;
  texts: string[];
  isos: string[];
  count: number;
}

/** Every day from FIRST_YEAR to LAST_YEAR, as [year, month, day]. */
export function allDays(): [number, number, number][] {
  const days: [number, number, number][] = [];
  for (let t = Date.UTC(FIRST_YEAR, 0, 1); t <= Date.UTC(LAST_YEAR, 11, 31); t += 86_400_000) {
    const d = new Date(t);
    days.push([d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]);
  }
  return days;
}

/** Pairs for `days`, each in `perDay` formats drawn at random. */
export function datePairs(days: readonly [number, number, number][], perDay: number, seed: number): DatePairs {
  const random = seededRandom(seed);
  const n = days.length * perDay;
  const out: DatePairs = {
    inputs: new Float32Array(n * INPUT_LENGTH),
    decoderInputs: new Float32Array(n * OUTPUT_LENGTH),
    targets: new Float32Array(n * OUTPUT_LENGTH),
    texts: [],
    isos: [],
    count: n,
  };
  let k = 0;
  for (const [y, m, d] of days) {
    for (let j = 0; j < perDay; j++, k++) {
      const text = FORMATS[Math.floor(random() * FORMATS.length)]!(y, m, d);
      const iso = isoDate(y, m, d);
      const target = encodeOutput(iso);
      out.inputs.set(encodeInput(text), k * INPUT_LENGTH);
      out.targets.set(target, k * OUTPUT_LENGTH);
      out.decoderInputs.set([0, ...target.slice(0, -1)], k * OUTPUT_LENGTH);
      out.texts.push(text);
      out.isos.push(iso);
    }
  }
  return out;
}

/** Training and held-out days: every `heldOutEvery`-th day (shifted by a seeded offset) is held out. */
export function splitDays(heldOutEvery: number, seed: number): { train: [number, number, number][]; test: [number, number, number][] } {
  const offset = Math.floor(seededRandom(seed)() * heldOutEvery);
  const days = allDays();
  return { train: days.filter((_, i) => i % heldOutEvery !== offset), test: days.filter((_, i) => i % heldOutEvery === offset) };
}
