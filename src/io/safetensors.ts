/**
 * A small safetensors reader and writer (float32 only), for PyTorch weights (src/io/pytorch.ts). The layout:
 * an 8-byte little-endian header length N, N bytes of JSON `{ name: { dtype, shape, data_offsets: [begin, end] },
 * __metadata__?: { string: string } }`, then the tensors' raw little-endian bytes, offsets counted from the end
 * of the header. Every check failure is a ModelFormatError naming the file and the check.
 */
import { ModelFormatError, ValueError, formatShape } from '../errors';
import type { Tensor } from '../tensor';
import { describeValue } from './weights';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface SafetensorsContents {
  /** In header order. */
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** Parses a .safetensors file. Only dtype F32 is read; any other is an error naming the tensor. */
export function readSafetensors(bytes: ArrayBuffer | Uint8Array, file = 'safetensors file'): SafetensorsContents {
  const buf = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const fail = (check: string, detail: string) => new ModelFormatError(`${file}: ${check} check failed: ${detail}`);
  if (buf.byteLength < 8) throw fail('header length', `a safetensors file starts with an 8-byte header length; the file holds ${buf.byteLength} bytes`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > buf.byteLength - 8) {
    throw fail('header length', `the header length says ${headerLength} bytes but only ${buf.byteLength - 8} follow; the file is truncated or not safetensors`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + headerLength)));
  } catch (e) {
    throw fail('JSON header', `${(e as Error).message}; the file is not safetensors or its header is damaged`);
  }
  if (!isObject(header)) throw fail('JSON header', `expected an object of tensors; got ${describeValue(header)}`);
  const dataStart = 8 + headerLength;
  const dataLength = buf.byteLength - dataStart;
  const tensors: Record<string, Tensor> = {};
  let metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isObject(entry) || !Object.values(entry).every((v) => typeof v === 'string')) throw fail('metadata', '__metadata__ must map strings to strings');
      metadata = entry as Record<string, string>;
      continue;
    }
    if (!isObject(entry)) throw fail('tensor entry', `"${name}" must be { dtype, shape, data_offsets }; got ${describeValue(entry)}`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (dtype !== 'F32') {
      throw fail(
        'dtype',
        `tensor "${name}" is ${describeValue(dtype)}; webrnn reads F32 only. Convert it first (tensor.float() in PyTorch, or scripts/export_state_dict.py)`,
      );
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw fail('shape', `tensor "${name}" has shape ${JSON.stringify(shape)}; expected a list of non-negative integers`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => Number.isSafeInteger(d) && d >= 0) || offsets[0] > offsets[1]) {
      throw fail('data_offsets', `tensor "${name}" has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 ≤ begin ≤ end`);
    }
    const [begin, end] = offsets as [number, number];
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== size * 4) {
      throw fail('byte length', `tensor "${name}" of shape ${formatShape(shape as number[])} needs ${size * 4} bytes; its data_offsets span ${end - begin}`);
    }
    if (end > dataLength) throw fail('byte length', `tensor "${name}" ends at byte ${end} of the data but the data holds ${dataLength}; the file is truncated`);
    spans.push([begin, end, name]);
    // A copy: the data need not be 4-byte aligned in the file (and a Node Buffer's slice() would be a view).
    const data = new Float32Array(size);
    new Uint8Array(data.buffer).set(buf.subarray(dataStart + begin, dataStart + end));
    tensors[name] = { data: littleEndian(data), shape: [...(shape as number[])] };
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]![0] < spans[i - 1]![1]) throw fail('data_offsets', `tensors "${spans[i - 1]![2]}" and "${spans[i]![2]}" overlap`);
  }
  return { tensors, metadata };
}

/** Writes tensors (in the given order) and optional string metadata as a .safetensors file. */
export function writeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): ArrayBuffer {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let at = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new ValueError('writeSafetensors: "__metadata__" is reserved by the format; rename the tensor');
    if (!(t?.data instanceof Float32Array))
      throw new ValueError(`writeSafetensors: tensor "${name}" needs data as a Float32Array; got ${describeValue(t?.data)}`);
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length)
      throw new ValueError(`writeSafetensors: tensor "${name}" has shape ${formatShape(t.shape)} (${size} values) but data holds ${t.data.length}`);
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [at, at + t.data.byteLength] };
    at += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference implementation writes it.
  json += ' '.repeat((8 - ((new TextEncoder().encode(json).length + 8) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + at);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let offset = 8 + headerBytes.length;
  for (const t of Object.values(tensors)) {
    out.set(new Uint8Array(littleEndian(Float32Array.from(t.data)).buffer), offset);
    offset += t.data.byteLength;
  }
  return out.buffer;
}

const hostIsLittleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Swaps the bytes of each float in place on a big-endian host (a no-op everywhere WebGPU runs today). */
function littleEndian(data: Float32Array): Float32Array {
  if (hostIsLittleEndian) return data;
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < data.length; i++) v.setUint32(i * 4, v.getUint32(i * 4, true), false);
  return data;
}
