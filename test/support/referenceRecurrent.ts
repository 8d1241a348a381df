/**
 * The recurrent layers of the float64 reference model (test/support/referenceModel.ts): LSTM, GRU, SimpleRNN,
 * SRU and Bidirectional, forward and backward, from the functional twins in src/reference/. Everything here is
 * batch-major and in Keras's order (a goBackwards sequence in processing order), as Keras returns it.
 * Bidirectional follows Keras's Bidirectional.call: the backward copy has goBackwards flipped, its sequence
 * is flipped back to input time, then the two are merged.
 */
import type { MergeMode } from '../../src/kernels/bidirectionalMerge';
import { merge, split } from '../../src/reference/bidirectionalMerge';
import { gruBackward, gruForward } from '../../src/reference/gruStep';
import { lstmBackward, lstmForward } from '../../src/reference/lstmStep';
import { simpleRnnBackward, simpleRnnForward } from '../../src/reference/simpleRnnStep';
import { sruBackward, sruForward } from '../../src/reference/sruSeq';
import { echoStateForward } from '../../src/reference/echoState';

export interface RecurrentSpecConfig {
  units: number;
  activation?: 'tanh' | 'relu' | 'linear';
  returnSequences?: boolean;
  goBackwards?: boolean;
  stateful?: boolean;
  returnState?: boolean;
  inputShape?: number[];
  batchInputShape?: number[];
}

export type CellSpec =
  | { type: 'lstm'; config: RecurrentSpecConfig }
  | { type: 'gru'; config: RecurrentSpecConfig & { resetAfter?: boolean } }
  | { type: 'simpleRNN'; config: RecurrentSpecConfig }
  | { type: 'sru'; config: RecurrentSpecConfig }
  | {
      type: 'echoState';
      config: RecurrentSpecConfig & { leakRate?: number; spectralRadius?: number; connectivity?: number; seed?: number; includeInput?: boolean };
    };

export type BidirectionalSpec = {
  type: 'bidirectional';
  config: { layer: CellSpec; mergeMode?: MergeMode; inputShape?: number[]; batchInputShape?: number[] };
};

export type RecurrentSpec = CellSpec | BidirectionalSpec;

export function isRecurrent(spec: { type: string }): spec is RecurrentSpec {
  return ['lstm', 'gru', 'simpleRNN', 'sru', 'echoState', 'bidirectional'].includes(spec.type);
}

export function recurrentWeightCount(spec: RecurrentSpec): number {
  return spec.type === 'bidirectional' ? 6 : 3;
}

/** An echo-state layer outputs [u_t; x_t] unless includeInput is false. */
const includesInput = (spec: CellSpec): boolean => spec.type === 'echoState' && spec.config.includeInput !== false;

/** Per-sample output shape for input [T, F]. */
export function recurrentOutputShape(spec: RecurrentSpec, T: number, F: number): number[] {
  const cell = spec.type === 'bidirectional' ? spec.config.layer : spec;
  const u = cell.config.units + (includesInput(cell) ? F : 0);
  const width = spec.type === 'bidirectional' && (spec.config.mergeMode ?? 'concat') === 'concat' ? 2 * u : u;
  return cell.config.returnSequences ? [T, width] : [width];
}

type Weights = readonly ArrayLike<number>[];

/** The SRU's functional inputs: kernel [F, 3u or 4u], recurrentWeights and bias [2, u]. */
function sruInputs(spec: CellSpec, w: Weights, x: Float64Array, n: number, T: number, F: number) {
  const u = spec.config.units;
  return {
    x: { data: x, shape: [n, T, F] },
    kernel: { data: w[0]!, shape: [F, (F === u ? 3 : 4) * u] },
    recurrentWeights: { data: w[1]!, shape: [2, u] },
    bias: { data: w[2]!, shape: [2, u] },
  };
}

function cellInputs(spec: CellSpec, w: Weights, x: Float64Array, n: number, T: number, F: number) {
  const u = spec.config.units;
  const g = spec.type === 'lstm' ? 4 : spec.type === 'gru' ? 3 : 1;
  const biasShape = spec.type === 'gru' && (spec.config.resetAfter ?? true) ? [2, g * u] : [g * u];
  return {
    x: { data: x, shape: [n, T, F] },
    kernel: { data: w[0]!, shape: [F, g * u] },
    recurrentKernel: { data: w[1]!, shape: [u, g * u] },
    bias: { data: w[2]!, shape: biasShape },
  };
}

function cellOptions(spec: CellSpec) {
  const c = spec.config;
  return {
    activation: c.activation ?? (spec.type === 'sru' ? 'linear' : 'tanh'),
    returnSequences: c.returnSequences ?? false,
    goBackwards: c.goBackwards ?? false,
    ...(spec.type === 'gru' ? { resetAfter: spec.config.resetAfter ?? true } : {}),
  } as const;
}

function cellForward(spec: CellSpec, w: Weights, x: Float64Array, n: number, T: number, F: number): Float64Array {
  const options = cellOptions(spec);
  if (spec.type === 'sru') return sruForward(sruInputs(spec, w, x, n, T, F), options).output.data;
  if (spec.type === 'echoState') {
    const u = spec.config.units;
    const inputs = {
      x: { data: x, shape: [n, T, F] },
      inputKernel: { data: w[0]!, shape: [F, u] },
      reservoir: { data: w[1]!, shape: [u, u] },
      bias: { data: w[2]!, shape: [u] },
    };
    const states = echoStateForward(inputs, { leakRate: spec.config.leakRate ?? 1, returnSequences: options.returnSequences, goBackwards: options.goBackwards })
      .output.data;
    if (!includesInput(spec)) return states;
    // [u_t; x_t] per output step: processing order (goBackwards: step t came after input T − 1 − t); a last output
    // after the last step processed.
    const steps = options.returnSequences ? T : 1;
    const out = new Float64Array(n * steps * (F + u));
    for (let b = 0; b < n; b++) {
      for (let t = 0; t < steps; t++) {
        const input = options.returnSequences ? (options.goBackwards ? T - 1 - t : t) : options.goBackwards ? 0 : T - 1;
        const row = (b * steps + t) * (F + u);
        out.set(x.subarray((b * T + input) * F, (b * T + input + 1) * F), row);
        out.set(states.subarray((b * steps + t) * u, (b * steps + t + 1) * u), row + F);
      }
    }
    return out;
  }
  const inputs = cellInputs(spec, w, x, n, T, F);
  if (spec.type === 'lstm') return lstmForward(inputs, options).output.data;
  if (spec.type === 'gru') return gruForward(inputs, options).output.data;
  return simpleRnnForward(inputs, options).output.data;
}

function cellBackward(
  spec: CellSpec,
  w: Weights,
  x: Float64Array,
  n: number,
  T: number,
  F: number,
  dOut: Float64Array,
): { grads: Float64Array[]; dX: Float64Array } {
  const inputs = cellInputs(spec, w, x, n, T, F);
  const options = cellOptions(spec);
  const u = spec.config.units;
  const grads = { dOutput: { data: dOut, shape: options.returnSequences ? [n, T, u] : [n, u] } };
  if (spec.type === 'sru') {
    const r = sruBackward(sruInputs(spec, w, x, n, T, F), grads, options);
    return { grads: [r.dKernel.data, r.dRecurrentWeights.data, r.dBias.data], dX: r.dX.data };
  }
  const r =
    spec.type === 'lstm'
      ? lstmBackward(inputs, grads, options)
      : spec.type === 'gru'
        ? gruBackward(inputs, grads, options)
        : simpleRnnBackward(inputs, grads, options);
  return { grads: [r.dKernel.data, r.dRecurrentKernel.data, r.dBias.data], dX: r.dX.data };
}

/** Reverses the time axis of a batch-major [n, T, C] sequence. */
export function flipTime(data: ArrayLike<number>, n: number, T: number, C: number): Float64Array {
  const out = new Float64Array(n * T * C);
  for (let b = 0; b < n; b++) for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) out[(b * T + t) * C + c] = data[(b * T + (T - 1 - t)) * C + c]!;
  return out;
}

function copies(spec: BidirectionalSpec): [CellSpec, CellSpec] {
  const inner = spec.config.layer;
  const back = !(inner.config.goBackwards ?? false);
  return [inner, { ...inner, config: { ...inner.config, goBackwards: back } } as CellSpec];
}

export function recurrentForward(spec: RecurrentSpec, w: Weights, x: Float64Array, n: number, T: number, F: number): Float64Array {
  if (spec.type !== 'bidirectional') return cellForward(spec, w, x, n, T, F);
  const [f, b] = copies(spec);
  const seq = f.config.returnSequences ?? false;
  const u = f.config.units;
  const yF = cellForward(f, w.slice(0, 3), x, n, T, F);
  let yB = cellForward(b, w.slice(3), x, n, T, F);
  if (seq) yB = flipTime(yB, n, T, u);
  return merge(yF, yB, seq ? n * T : n, u, spec.config.mergeMode ?? 'concat');
}

/** Gradients of every weight (in getWeights order) and of x, from the gradient of the layer's output. */
export function recurrentBackward(
  spec: RecurrentSpec,
  w: Weights,
  x: Float64Array,
  n: number,
  T: number,
  F: number,
  dOut: Float64Array,
): { grads: Float64Array[]; dX: Float64Array } {
  if (spec.type !== 'bidirectional') return cellBackward(spec, w, x, n, T, F, dOut);
  const [f, b] = copies(spec);
  const seq = f.config.returnSequences ?? false;
  const u = f.config.units;
  const yF = cellForward(f, w.slice(0, 3), x, n, T, F);
  let yB = cellForward(b, w.slice(3), x, n, T, F);
  if (seq) yB = flipTime(yB, n, T, u);
  const { da, db } = split(dOut, yF, yB, seq ? n * T : n, u, spec.config.mergeMode ?? 'concat');
  const gF = cellBackward(f, w.slice(0, 3), x, n, T, F, da);
  const gB = cellBackward(b, w.slice(3), x, n, T, F, seq ? flipTime(db, n, T, u) : db);
  return { grads: [...gF.grads, ...gB.grads], dX: gF.dX.map((v, i) => v + gB.dX[i]!) };
}
