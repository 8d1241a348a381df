/**
 * Weight specs and the flat weight buffer: encodeWeights / decodeWeights and the spec checks every load runs.
 * Values are float32 in platform byte order; every platform with WebGPU (x86, ARM) is little-endian, which is
 * what TF.js writes too.
 */
import { ModelFormatError, ShapeError, ValueError, formatShape } from '../errors';
import type { NamedWeight, WeightSpec } from './types';

const BYTES_PER_FLOAT = 4;

/** Packs named float32 tensors into specs + one buffer, in list order. Throws on caller mistakes. */
export function encodeWeights(list: readonly NamedWeight[]): { weightSpecs: WeightSpec[]; weightData: ArrayBuffer } {
  if (!Array.isArray(list)) throw new ValueError(`encodeWeights expects an array of { name, tensor }; got ${typeof list}`);
  const seen = new Set<string>();
  let total = 0;
  const weightSpecs = list.map(({ name, tensor, group, dtype }, i) => {
    if (typeof name !== 'string' || name === '') throw new ValueError(`encodeWeights: entry #${i} needs a non-empty string name; got ${JSON.stringify(name)}`);
    if (seen.has(name)) throw new ValueError(`encodeWeights: weight name "${name}" appears twice (entries must be unique); rename one`);
    seen.add(name);
    if (!(tensor?.data instanceof Float32Array)) {
      throw new ValueError(
        `encodeWeights: weight "${name}" needs tensor.data as a Float32Array; got ${tensor?.data?.constructor?.name ?? typeof tensor?.data}`,
      );
    }
    const shape = tensor.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ShapeError(`encodeWeights: weight "${name}" needs a shape of non-negative integers; got ${JSON.stringify(shape)}`);
    }
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== tensor.data.length) {
      throw new ShapeError(`encodeWeights: weight "${name}" has shape ${formatShape(shape)} (${size} values) but data holds ${tensor.data.length}`);
    }
    if (group !== undefined && group !== 'model' && group !== 'optimizer') {
      throw new ValueError(`encodeWeights: weight "${name}" has group ${JSON.stringify(group)}; use 'model', 'optimizer' or leave it out`);
    }
    if (dtype !== undefined && dtype !== 'float32' && dtype !== 'int32')
      throw new ValueError(`encodeWeights: weight "${name}" has dtype ${JSON.stringify(dtype)}; use 'float32' or 'int32'`);
    if (dtype === 'int32' && !tensor.data.every((v: number) => Number.isInteger(v) && Math.abs(v) <= 2 ** 31 - 1)) {
      throw new ValueError(`encodeWeights: weight "${name}" is int32 but holds values that are not 32-bit integers`);
    }
    total += size * BYTES_PER_FLOAT;
    const spec: WeightSpec = { name, shape: [...shape], dtype: dtype ?? 'float32' };
    if (group !== undefined) spec.group = group;
    return spec;
  });
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const { tensor, dtype } of list) {
    const data = dtype === 'int32' ? Int32Array.from(tensor.data) : tensor.data;
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += tensor.data.byteLength;
  }
  return { weightSpecs, weightData: bytes.buffer };
}

/** Unpacks a buffer into copies of each weight, after checking the specs against it. */
export function decodeWeights(weightSpecs: readonly WeightSpec[], weightData: ArrayBuffer, where = 'weights'): NamedWeight[] {
  checkWeightSpecs(weightSpecs, where);
  checkWeightBytes(weightSpecs, weightData, where);
  let at = 0;
  return weightSpecs.map(({ name, shape, group, dtype }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const bytes = weightData.slice(at, at + size * BYTES_PER_FLOAT);
    const data = dtype === 'int32' ? Float32Array.from(new Int32Array(bytes)) : new Float32Array(bytes);
    at += size * BYTES_PER_FLOAT;
    const weight: NamedWeight = { name, tensor: { data, shape: [...shape] } };
    if (group !== undefined) weight.group = group;
    if (dtype === 'int32') weight.dtype = 'int32';
    return weight;
  });
}

/** The byte length a spec list needs (float32 and int32 both take 4 bytes a value). */
export function specsByteLength(specs: readonly WeightSpec[]): number {
  return specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * BYTES_PER_FLOAT, 0);
}

/** Checks specs read from a file: names unique strings, dtype float32, shapes of non-negative integers. */
export function checkWeightSpecs(specs: unknown, file: string): asserts specs is WeightSpec[] {
  if (!Array.isArray(specs)) throw new ModelFormatError(`${file}: weight specs must be an array; got ${describeValue(specs)}. Re-save the model.`);
  const seen = new Set<string>();
  specs.forEach((spec: Partial<WeightSpec> & { quantization?: unknown }, i) => {
    const label = `${file}: weight #${i}`;
    if (typeof spec !== 'object' || spec === null) throw new ModelFormatError(`${label} must be an object { name, shape, dtype }; got ${describeValue(spec)}`);
    if (typeof spec.name !== 'string' || spec.name === '')
      throw new ModelFormatError(`${label} needs a non-empty string name; got ${describeValue(spec.name)}`);
    const named = `${file}: weight "${spec.name}"`;
    if (seen.has(spec.name)) {
      throw new ModelFormatError(
        `${named} is listed twice (duplicate weight names): each name must be unique. The file was edited or written by a faulty tool; re-save the model.`,
      );
    }
    seen.add(spec.name);
    // int32 holds TF.js's optimizer step counter; both dtypes are 4 bytes a value.
    if ((spec.dtype !== 'float32' && spec.dtype !== 'int32') || spec.quantization !== undefined) {
      const what = spec.quantization !== undefined ? `quantized (${JSON.stringify(spec.quantization)})` : `dtype ${JSON.stringify(spec.dtype)}`;
      throw new ModelFormatError(`${named} is ${what}; webrnn reads unquantized float32 (and int32) weights only. Convert the model without quantization.`);
    }
    if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ModelFormatError(`${named} has shape ${JSON.stringify(spec.shape)}; a shape must be a list of non-negative integers. Re-save the model.`);
    }
    if (spec.group !== undefined && spec.group !== 'model' && spec.group !== 'optimizer') {
      throw new ModelFormatError(`${named} has group ${JSON.stringify(spec.group)}; expected 'model', 'optimizer' or none`);
    }
  });
}

/** Checks that the buffer holds exactly the bytes the specs describe: catches truncated and padded files. */
export function checkWeightBytes(specs: readonly WeightSpec[], weightData: ArrayBuffer, file: string): void {
  const expected = specsByteLength(specs);
  if (weightData.byteLength !== expected) {
    const kind = weightData.byteLength < expected ? 'truncated' : 'padded or belongs to another model';
    throw new ModelFormatError(
      `${file}: byte length check failed: the manifest's ${specs.length} float32 weights need ${expected} bytes, the file holds ` +
        `${weightData.byteLength}; it is ${kind}${htmlHint(weightData)}. Copy or download the weights file again, or re-save the model.`,
    );
  }
}

/** A web server that answers a missing file with its index or error page gives HTML; say so. */
export function htmlHint(data: ArrayBuffer): string {
  const head = new TextDecoder()
    .decode(new Uint8Array(data, 0, Math.min(64, data.byteLength)))
    .trimStart()
    .toLowerCase();
  return head.startsWith('<!doctype') || head.startsWith('<html') ? ' (it holds HTML: the server sent a web page instead of the file)' : '';
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : `${typeof value} ${String(value)}`;
}
