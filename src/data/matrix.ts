/**
 * The one place series inputs are normalised: `number[]` (one feature), `number[][]` ([rows, features]),
 * a Float32Array/Float64Array (one feature, e.g. a parseCsv column) or `{ data, shape: [rows] | [rows, features] }`.
 * Everything in src/data works on the resulting row-major float64 matrix, so statistics are not rounded to
 * float32 before they are computed; results go back to users as float32 tensors.
 */
import { ShapeError, ValueError, formatShape } from '../errors';
import { isTensor } from '../tensor';
import type { Tensor } from '../tensor';

export type SeriesInput = readonly number[] | readonly (readonly number[])[] | Float32Array | Float64Array | Tensor;

export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
  /** 1 when the input was one feature given flat (number[], typed array, shape [rows]); results keep that rank. */
  rank: 1 | 2;
}

const EXPECTED = 'number[] (one feature), number[][] ([rows, features]), a Float32Array, or { data, shape: [rows, features] }';

export function toMatrix(input: SeriesInput, name: string): Matrix {
  if (input instanceof Float32Array || input instanceof Float64Array) {
    return checked({ data: Float64Array.from(input), rows: input.length, cols: 1, rank: 1 }, name);
  }
  if (isTensor(input)) {
    const { shape } = input;
    if (shape.length !== 1 && shape.length !== 2) {
      throw new ShapeError(`${name} must be [rows] or [rows, features]; got shape ${formatShape(shape)}. Reshape it to 2-D first.`);
    }
    const rows = shape[0]!;
    const cols = shape.length === 2 ? shape[1]! : 1;
    if (input.data.length !== rows * cols) {
      throw new ShapeError(`${name}: shape ${formatShape(shape)} holds ${rows * cols} values; data has ${input.data.length}`);
    }
    return checked({ data: Float64Array.from(input.data), rows, cols, rank: shape.length as 1 | 2 }, name);
  }
  if (!Array.isArray(input)) {
    throw new ValueError(`${name} must be ${EXPECTED}; got ${input === null ? 'null' : typeof input}`);
  }
  if (input.length === 0 || !Array.isArray(input[0])) {
    const flat = input as readonly unknown[];
    flat.forEach((v, i) => {
      if (typeof v !== 'number') throw new ValueError(`${name}[${i}] must be a number; got ${describe(v)} (expected ${EXPECTED})`);
    });
    return checked({ data: Float64Array.from(flat as number[]), rows: flat.length, cols: 1, rank: 1 }, name);
  }
  const nested = input as readonly (readonly unknown[])[];
  const cols = nested[0]!.length;
  const data = new Float64Array(nested.length * cols);
  nested.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== cols) {
      throw new ShapeError(
        `${name} is ragged: ${name}[${r}] has ${Array.isArray(row) ? row.length : 'no'} entries where ${cols} were expected (from ${name}[0])`,
      );
    }
    row.forEach((v, c) => {
      if (typeof v !== 'number') throw new ValueError(`${name}[${r}][${c}] must be a number; got ${describe(v)}`);
      data[r * cols + c] = v;
    });
  });
  return checked({ data, rows: nested.length, cols, rank: 2 }, name);
}

/** Non-finite values are refused here rather than silently propagated into min/max, mean and the windows. */
function checked(m: Matrix, name: string): Matrix {
  if (m.cols === 0) throw new ShapeError(`${name} has no features (0 columns); give at least one column`);
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i]!)) {
      const at = m.rank === 1 ? `[${i}]` : `[${Math.floor(i / m.cols)}][${i % m.cols}]`;
      throw new ValueError(`${name} must hold finite numbers; ${name}${at} is ${m.data[i]}. Drop or fill missing values before scaling or windowing.`);
    }
  }
  return m;
}

/** The user-facing tensor: float32, rank as the input had it. */
export function toOutput(data: Float64Array, rows: number, cols: number, rank: 1 | 2): Tensor {
  return { data: Float32Array.from(data), shape: rank === 1 ? [rows] : [rows, cols] };
}

export function sliceRows(m: Matrix, start: number, end: number): Matrix {
  return { data: m.data.slice(start * m.cols, end * m.cols), rows: end - start, cols: m.cols, rank: m.rank };
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : `${typeof value} ${String(value)}`;
}

/** Throws unless `value` is an integer ≥ `min`; `what` says what the option controls. */
export function checkInteger(value: unknown, name: string, min: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ValueError(`${name} must be an integer ≥ ${min} (${what}); got ${describe(value)}`);
  }
  return value;
}

/** A misspelt option (`windowSize`, `test_size`) would otherwise be ignored silently. */
export function checkKnownOptions(options: object | undefined, known: readonly string[], fn: string): void {
  if (options === undefined || options === null || typeof options !== 'object') return;
  const unknown = Object.keys(options).filter((k) => !known.includes(k) && (options as Record<string, unknown>)[k] !== undefined);
  if (unknown.length > 0) {
    throw new ValueError(`${fn} got unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known options: ${known.join(', ')}`);
  }
}
