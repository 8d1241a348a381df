/**
 * The shared part of the in-browser test harness: the float32 ⇄ base64 codec, the shared runtime, and
 * `inScope`, which runs one GPU case in a validation error scope and reports what proves the GPU ran
 * (dispatch and submit counts) and whether buffers were freed. The runtime fills new buffers with NaN, so an
 * output element no kernel wrote cannot pass for a correct zero.
 */
import { createRuntime, type KernelChoice, type Runtime, type Tensor } from '../../src/index';

export type Encoded = { data: string; shape: number[] };

export function decode(t: Encoded): Tensor {
  const bin = atob(t.data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return { data: new Float32Array(bytes.buffer), shape: t.shape };
}

export function encode(t: Tensor | Float32Array): string {
  const data = t instanceof Float32Array ? t : t.data;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** One poisoning runtime per pinned kernel choice (RuntimeOptions.kernels), made on first use and kept. */
const runtimes = new Map<string, Promise<Runtime>>();
export function rt(kernels: KernelChoice = {}): Promise<Runtime> {
  const key = JSON.stringify(kernels);
  if (!runtimes.has(key)) runtimes.set(key, createRuntime({ backend: 'webgpu', poisonNewBuffers: true, kernels }));
  return runtimes.get(key)!;
}

export interface CaseResult {
  outputs: Record<string, string>;
  validationError: string | null;
  dispatches: number;
  submits: number;
  liveBuffersAfter: number;
}

export async function inScope(body: (r: Runtime) => Promise<Record<string, Tensor | Float32Array>>, kernels?: KernelChoice): Promise<CaseResult> {
  const r = await rt(kernels);
  const before = r.stats;
  r.device.pushErrorScope('validation');
  let outputs: Record<string, Tensor | Float32Array> = {};
  let failure: unknown = null;
  try {
    outputs = await body(r);
  } catch (e) {
    failure = e;
  }
  const error = await r.device.popErrorScope();
  if (failure) throw failure instanceof Error && error ? new Error(`${failure.message} (validation: ${error.message})`) : failure;
  const after = r.stats;
  return {
    outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, encode(v)])),
    validationError: error ? error.message : null,
    dispatches: after.dispatches - before.dispatches,
    submits: after.submits - before.submits,
    liveBuffersAfter: after.buffers,
  };
}

/** Runs `body` and reports the error it threw (by class name), or null. */
export async function caught(body: () => Promise<unknown>): Promise<{ name: string; message: string; reason?: string } | null> {
  try {
    await body();
    return null;
  } catch (e) {
    const err = e as Error & { reason?: string };
    return { name: err.name, message: err.message, ...(err.reason ? { reason: err.reason } : {}) };
  }
}
