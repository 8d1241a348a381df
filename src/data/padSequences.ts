/**
 * Keras's pad_sequences: ragged id sequences → one [n, maxLen] tensor for an Embedding layer.
 * 'pre' padding (the default, as in Keras) puts the real tokens last, next to the RNN's final state;
 * 'pre' truncating keeps each sequence's END. Ids are stored as float32, exact up to 2^24.
 */
import { ValueError } from '../errors';
import type { Tensor } from '../tensor';
import { checkInteger, checkKnownOptions, describe } from './matrix';

export interface PadOptions {
  /** Length of every row; the longest sequence's length by default. */
  maxLen?: number;
  /** Where padding goes: 'pre' (default) or 'post'. */
  padding?: 'pre' | 'post';
  /** Which end of a longer sequence is dropped: 'pre' (default) or 'post'. */
  truncating?: 'pre' | 'post';
  /** The padding value; 0, the padding id, by default. */
  value?: number;
}

const EXACT_LIMIT = 2 ** 24;

export function padSequences(sequences: readonly (readonly number[])[], options: PadOptions = {}): Tensor {
  checkKnownOptions(options, ['maxLen', 'padding', 'truncating', 'value'], 'padSequences');
  if (!Array.isArray(sequences)) throw new ValueError(`padSequences expects an array of number arrays; got ${describe(sequences)}`);
  sequences.forEach((seq, i) => {
    if (!Array.isArray(seq)) throw new ValueError(`padSequences: sequences[${i}] must be an array of numbers; got ${describe(seq)}`);
    seq.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > EXACT_LIMIT) {
        throw new ValueError(
          `padSequences: sequences[${i}][${j}] is ${describe(v)}; expected a finite number of magnitude ≤ 2^24 (float32 stores ids exactly up to there)`,
        );
      }
    });
  });
  const maxLen =
    options.maxLen === undefined
      ? sequences.reduce((m, s) => Math.max(m, s.length), 0)
      : checkInteger(options.maxLen, 'padSequences maxLen', 1, 'length of every padded row');
  const padding = options.padding ?? 'pre';
  const truncating = options.truncating ?? 'pre';
  for (const [name, v] of [
    ['padding', padding],
    ['truncating', truncating],
  ] as const) {
    if (v !== 'pre' && v !== 'post') throw new ValueError(`padSequences ${name} must be 'pre' or 'post'; got ${describe(v)}`);
  }
  const value = options.value ?? 0;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ValueError(`padSequences value must be a finite number; got ${describe(value)}`);

  const data = new Float32Array(sequences.length * maxLen).fill(value);
  sequences.forEach((seq, i) => {
    const kept = seq.length <= maxLen ? seq : truncating === 'pre' ? seq.slice(seq.length - maxLen) : seq.slice(0, maxLen);
    data.set(kept, i * maxLen + (padding === 'pre' ? maxLen - kept.length : 0));
  });
  return { data, shape: [sequences.length, maxLen] };
}
