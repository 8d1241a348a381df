/**
 * The host-side tensor users pass in and get back: `{ data: Float32Array, shape: number[] }`, row-major.
 * Inputs may also be nested number arrays (as in TF.js `tf.tensor(...)`), converted here once.
 */
import { ShapeError, ValueError, formatShape } from './errors';

export interface Tensor {
  data: Float32Array;
  shape: number[];
}

export type NestedArray = number | NestedArray[];

/**
 * A tensor of another library with a synchronous read, such as TF.js's `tf.Tensor`: its `shape` and `dataSync()`
 * are read once, when webrnn takes it (the values are copied; the caller still owns and disposes it).
 */
export interface ForeignTensor {
  readonly shape: readonly number[];
  dataSync(): unknown;
}

export type TensorLike = Tensor | NestedArray | Float64Array | ForeignTensor;

export function isTensor(value: unknown): value is Tensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    'data' in value &&
    'shape' in value &&
    ArrayBuffer.isView((value as Tensor).data) &&
    Array.isArray((value as Tensor).shape)
  );
}

/** Converts `value` to a Float32 tensor; `name` is used in errors ("x", "kernel"...). */
export function toTensor(value: TensorLike, name: string): Tensor {
  if (isTensor(value)) {
    const size = value.shape.reduce((a, b) => a * b, 1);
    if (!value.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ShapeError(`${name}.shape must be non-negative integers; got ${formatShape(value.shape)}`);
    }
    if (value.data instanceof BigInt64Array || value.data instanceof BigUint64Array || value.data instanceof DataView) {
      throw new ValueError(`${name}.data must be a Float32Array (or another array of numbers); got a ${value.data.constructor.name}`);
    }
    if (value.data.length !== size) {
      throw new ShapeError(`${name}: shape ${formatShape(value.shape)} holds ${size} values; data has ${value.data.length}`);
    }
    const data = value.data instanceof Float32Array ? value.data : Float32Array.from(value.data as ArrayLike<number>);
    return { data, shape: [...value.shape] };
  }
  if (isForeignTensor(value)) return fromForeign(value, name);
  if (value instanceof Float64Array) return { data: Float32Array.from(value), shape: [value.length] };
  if (typeof value === 'number') return { data: Float32Array.of(value), shape: [] };
  if (!Array.isArray(value)) {
    const asyncOnly = typeof value === 'object' && value !== null && typeof (value as { data?: unknown }).data === 'function';
    throw new ValueError(
      `${name} must be a nested number array or { data: Float32Array, shape }; got ${describe(value)}${
        asyncOnly
          ? `, whose data() is a function: pass { data: await ${name}.data(), shape: ${name}.shape }`
          : ` (a tensor with shape and dataSync(), such as TF.js's tf.Tensor, is accepted too)`
      }`,
    );
  }
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) shape.push(level.length);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let at = 0;
  const walk = (node: unknown, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') {
        throw new ValueError(`${name}${path.map((p) => `[${p}]`).join('')} must be a number; got ${describe(node)}`);
      }
      data[at++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new ShapeError(
        `${name} is ragged: ${name}${path.map((p) => `[${p}]`).join('')} has ${Array.isArray(node) ? node.length : 'no'} ` +
          `entries where ${shape[depth]} were expected (shape ${formatShape(shape)} from the first entries)`,
      );
    }
    node.forEach((child, i) => walk(child, depth + 1, [...path, i]));
  };
  walk(value, 0, []);
  return { data, shape };
}

function isForeignTensor(value: unknown): value is ForeignTensor {
  return (
    typeof value === 'object' && value !== null && Array.isArray((value as ForeignTensor).shape) && typeof (value as ForeignTensor).dataSync === 'function'
  );
}

function fromForeign(value: ForeignTensor, name: string): Tensor {
  const values = value.dataSync();
  if (!ArrayBuffer.isView(values) || values instanceof DataView || values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const dtype = (value as { dtype?: unknown }).dtype;
    throw new ValueError(
      `${name}: a tensor of numbers was expected; ${name}.dataSync() returned ${describe(values)}${typeof dtype === 'string' ? ` (dtype '${dtype}')` : ''}`,
    );
  }
  return toTensor({ data: Float32Array.from(values as unknown as ArrayLike<number>), shape: [...value.shape] }, name);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : `${typeof value} ${String(value)}`;
}

/** Throws a ShapeError unless `tensor.shape` equals `expected` (null entries match any size). */
export function expectShape(tensor: Tensor, expected: readonly (number | null)[], name: string, what: string): void {
  const ok = tensor.shape.length === expected.length && expected.every((d, i) => d === null || d === tensor.shape[i]);
  if (!ok) {
    const want = formatShape(expected.map((d) => (d === null ? '*' : d)));
    throw new ShapeError(`${name} must be ${what} = ${want}; got ${formatShape(tensor.shape)}`);
  }
}

/** [A, B, C] row-major → [B, A, C]: swaps the two leading axes (batch-major ↔ time-major). */
export function swapLeadingAxes(data: Float32Array, a: number, b: number, c: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      out.set(data.subarray((i * b + j) * c, (i * b + j + 1) * c), (j * a + i) * c);
    }
  }
  return out;
}

/** Throws a ValueError naming the first NaN or ±Infinity in `tensor`, as an index into its shape. */
export function checkFinite(tensor: Tensor, name: string): void {
  const { data, shape } = tensor;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      const index: number[] = [];
      let rest = i;
      for (let d = shape.length - 1; d >= 0; d--) {
        index.unshift(rest % shape[d]!);
        rest = Math.floor(rest / shape[d]!);
      }
      throw new ValueError(`${name} must hold finite numbers; ${name}[${index.join(', ')}] is ${data[i]}`);
    }
  }
}
