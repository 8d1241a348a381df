/**
 * Runs inside headless Chromium. Exposes `window.webrnnHarness`: each method runs one GPU case with the real
 * kernels and returns the raw numbers (base64 float32) plus what proves the GPU ran (dispatch and submit
 * counts, adapter). The comparison with the CPU reference happens in Node, in the Vitest assertion.
 *
 * Every case runs in a validation error scope on a runtime that fills new buffers with NaN, so an output
 * element no kernel wrote cannot pass for a correct zero.
 */
import { createRuntime, lstmBackward, lstmForward, type Runtime, type Tensor } from '../../src/index';
import { Plan } from '../../src/gpu/plan';
import { recordGemm } from '../../src/kernels/gemm';
import { recordColumnSum } from '../../src/kernels/columnSum';

type Encoded = { data: string; shape: number[] };

function decode(t: Encoded): Tensor {
  const bin = atob(t.data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return { data: new Float32Array(bytes.buffer), shape: t.shape };
}

function encode(t: Tensor | Float32Array): string {
  const data = t instanceof Float32Array ? t : t.data;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

let runtime: Promise<Runtime> | null = null;
function rt(): Promise<Runtime> {
  runtime ??= createRuntime({ poisonNewBuffers: true });
  return runtime;
}

export interface CaseResult {
  outputs: Record<string, string>;
  validationError: string | null;
  dispatches: number;
  submits: number;
  liveBuffersAfter: number;
}

async function inScope(body: (r: Runtime) => Promise<Record<string, Tensor | Float32Array>>): Promise<CaseResult> {
  const r = await rt();
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

const harness = {
  async adapter() {
    const r = await rt();
    return r.adapter;
  },

  lstm(spec: {
    inputs: { x: Encoded; kernel: Encoded; recurrentKernel: Encoded; bias: Encoded; initialState?: [Encoded, Encoded] };
    grads?: { dOutput: Encoded; dh?: Encoded; dc?: Encoded };
    options: { activation?: 'tanh' | 'relu' | 'sigmoid' | 'linear'; recurrentActivation?: 'sigmoid' | 'hardSigmoid'; returnSequences?: boolean };
  }) {
    const inputs = {
      x: decode(spec.inputs.x),
      kernel: decode(spec.inputs.kernel),
      recurrentKernel: decode(spec.inputs.recurrentKernel),
      bias: decode(spec.inputs.bias),
      ...(spec.inputs.initialState ? { initialState: [decode(spec.inputs.initialState[0]), decode(spec.inputs.initialState[1])] as const } : {}),
    };
    return inScope(async (r) => {
      if (!spec.grads) return { ...(await lstmForward(r, inputs, spec.options)) };
      const grads = {
        dOutput: decode(spec.grads.dOutput),
        ...(spec.grads.dh ? { dh: decode(spec.grads.dh) } : {}),
        ...(spec.grads.dc ? { dc: decode(spec.grads.dc) } : {}),
      };
      return { ...(await lstmBackward(r, inputs, grads, spec.options)) };
    });
  },

  gemm(spec: { a: Encoded; b: Encoded; bias?: Encoded; m: number; n: number; k: number; transA: boolean; transB: boolean; aOffset: number; bOffset: number; cOffset: number }) {
    return inScope(async (r) => {
      const a = r.upload('a', decode(spec.a).data);
      const b = r.upload('b', decode(spec.b).data);
      const bias = spec.bias ? r.upload('bias', decode(spec.bias).data) : undefined;
      const cLength = spec.cOffset + spec.m * spec.n;
      const c = r.createBuffer('c', cLength * 4);
      const plan = new Plan(r, 'gemm test');
      recordGemm(plan, { a, b, c, ...(bias ? { bias } : {}), m: spec.m, n: spec.n, k: spec.k, transA: spec.transA, transB: spec.transB, aOffset: spec.aOffset, bOffset: spec.bOffset, cOffset: spec.cOffset });
      plan.run();
      const out = await r.read(c, spec.m * spec.n, spec.cOffset);
      plan.destroy();
      for (const buf of [a, b, c, bias]) if (buf) r.destroyBuffer(buf);
      return { c: out };
    });
  },

  columnSum(spec: { a: Encoded; rows: number; cols: number }) {
    return inScope(async (r) => {
      const a = r.upload('a', decode(spec.a).data);
      const out = r.createBuffer('out', spec.cols * 4);
      const plan = new Plan(r, 'columnSum test');
      recordColumnSum(plan, a, out, spec.rows, spec.cols);
      plan.run();
      const result = await r.read(out, spec.cols);
      plan.destroy();
      r.destroyBuffer(a);
      r.destroyBuffer(out);
      return { out: result };
    });
  },
};

export type Harness = typeof harness;
(window as unknown as { webrnnHarness: Harness }).webrnnHarness = harness;
