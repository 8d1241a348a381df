/**
 * A Sequential model's forward pass on the wasm backend (src/cpu/): the layers run in order on the host, batch-major,
 * each through its WebAssembly runner (WasmLstm, WasmGru, WasmSimpleRnn, WasmDense; a Bidirectional runs two cells
 * and merges them, an Embedding looks rows up; Dropout is the identity at inference). The runners lay their weights
 * out from the model's host parameters (ParameterArena.host), again whenever those change (arena.version); which
 * layers have one, src/cpu/layers.ts checks when the model builds. Stateful layers read and write their kept states
 * (./states.ts): predict and predictStep continue from them until resetStates().
 */
import { Bidirectional } from '../layers/bidirectional';
import { Dense } from '../layers/dense';
import { SPARSE_CONNECTIVITY } from '../cells/echoState';
import { EchoState } from '../layers/echoState';
import { Embedding } from '../layers/embedding';
import { GRU } from '../layers/gru';
import type { Layer } from '../layers/layer';
import { LSTM } from '../layers/lstm';
import { LayerNormalization } from '../layers/layerNormalization';
import { Masking } from '../layers/masking';
import { GlobalAveragePooling1D, GlobalMaxPooling1D } from '../layers/pooling';
import { RepeatVector } from '../layers/repeatVector';
import { TimeDistributed } from '../layers/timeDistributed';
import { SimpleRNN } from '../layers/simpleRnn';
import { SRU } from '../layers/sru';
import type { ParameterArena } from '../model/arena';
import type { Tensor } from '../tensor';
import { WasmDense } from './dense';
import { WasmGru } from './gru';
import { WasmLstm } from './lstm';
import { WasmSimpleRnn } from './simpleRnn';
import { WasmSru } from './sru';
import type { HostStates } from './states';

export type Weights = Record<string, { data: Float32Array; shape: number[] }>;
/** What the forward pass reads of a model's parameters: its ParameterArena, or a wasm thread's copy (./threadWorker.ts). */
export type HostParameters = Pick<ParameterArena, 'host' | 'segments' | 'version' | 'layerVersion'>;
type Cell = WasmLstm | WasmGru | WasmSimpleRnn;

/**
 * An activation between layers: batch-major data and its shape with the batch axis, and Keras's timestep mask
 * travelling with a sequence ([batch, timesteps], 1 real, 0 padding; made by Masking or Embedding maskZero).
 */
export interface Act {
  data: Float32Array;
  shape: number[];
  mask: Float32Array | null;
}

/** One layer's forward pass, from the activation below and the layer's kept states (updated in place; [] for none). */
type Runner = (x: Act, kept: Float32Array[]) => Act;

export class CpuModel {
  private runners: Runner[] = [];
  private builtFrom = -1;

  constructor(
    private readonly layers: readonly Layer[],
    private readonly arena: HostParameters,
    /** The kept states of a stateful model, else null. */
    private readonly kept: HostStates | null,
  ) {}

  /**
   * Runs x [batch, ...inputShape] through every layer, or the layers up to `last` (a reservoir's outputs, which
   * fitRidge reads); the states of stateful layers carry on.
   */
  forward(x: Float32Array, batch: number, inputShape: number[], last = this.layers.length - 1): Float32Array {
    this.refresh();
    let act: Act = { data: x, shape: [batch, ...inputShape], mask: null };
    for (let i = 0; i <= last; i++) act = this.runners[i]!(act, this.kept?.states[i] ?? []);
    return act.data;
  }

  /**
   * Rows [from, from + rows) of x (samples of inputShape) through every layer, batchSize rows at a time, into `into`
   * from its start, batch after batch: predict's loop, on any thread (./threads.ts).
   */
  forwardBatches(x: Float32Array, from: number, rows: number, batchSize: number, inputShape: number[], into: Float32Array): void {
    const sampleSize = inputShape.reduce((a, b) => a * b, 1);
    for (let s = 0, at = 0; s < rows; s += batchSize) {
      const n = Math.min(batchSize, rows - s);
      const out = this.forward(x.subarray((from + s) * sampleSize, (from + s + n) * sampleSize), n, inputShape);
      into.set(out, at);
      at += out.length;
    }
  }

  /**
   * The runners, each made again from the host parameters if its layer's changed since: a fitRidge or setWeights
   * of one layer, or a training step, leaves the others' runners (and their WebAssembly memories) as they are.
   */
  private refresh(): void {
    if (this.builtFrom === this.arena.version) return;
    this.runners = this.layers.map((layer, i) =>
      this.runners[i] && this.arena.layerVersion(i) <= this.builtFrom ? this.runners[i] : runnerFor(layer, layerWeights(this.arena, i)),
    );
    this.builtFrom = this.arena.version;
  }
}

/** Layer `index`'s weights by Keras name: views of the arena's host parameters. */
export function layerWeights(arena: Pick<HostParameters, 'host' | 'segments'>, index: number): Weights {
  const w: Weights = {};
  for (const seg of arena.segments)
    if (seg.layer === index) w[seg.spec.name] = { data: arena.host!.subarray(seg.offset, seg.offset + seg.length), shape: seg.spec.shape };
  return w;
}

/** A layer's runner from its weights by Keras name (a layer without a bias gets zeros); src/cpu/layers.ts lists them. */
export function runnerFor(layer: Layer, w: Weights): Runner {
  if (layer instanceof Dense || layer instanceof TimeDistributed) {
    const dense = layer instanceof Dense ? layer : layer.layer;
    const run = new WasmDense(w.kernel!.shape[0]!, dense.units, w.kernel!.data, w.bias?.data ?? null, dense.activation);
    return (x) => ({ data: run.forward(x.data, x.data.length / x.shape.at(-1)!), shape: [...x.shape.slice(0, -1), dense.units], mask: x.mask });
  }
  if (layer instanceof Embedding) {
    const [table, width] = [w.embeddings!.data.slice(), layer.outputDim];
    return (x) => {
      const out = new Float32Array(x.data.length * width);
      x.data.forEach((id, k) => out.set(table.subarray(id * width, (id + 1) * width), k * width));
      return { data: out, shape: [...x.shape, width], mask: layer.maskZero ? x.data.map((id) => (id === 0 ? 0 : 1)) : null };
    };
  }
  if (layer instanceof Masking) {
    const isReal = layer.realStepTest();
    // Keras's Masking: a step whose features all equal maskValue is padding, and comes out as zeros.
    return (x) => {
      const width = x.shape[2]!;
      const mask = new Float32Array(x.data.length / width);
      const data = x.data.slice();
      mask.forEach((_, r) => {
        mask[r] = isReal(x.data, r * width, width) ? 1 : 0;
        if (!mask[r]) data.fill(0, r * width, (r + 1) * width);
      });
      return { data, shape: x.shape, mask };
    };
  }
  if (layer instanceof RepeatVector) {
    return (x) => {
      const [B, C] = x.shape as [number, number];
      const out = new Float32Array(B * layer.n * C);
      for (let b = 0; b < B; b++) for (let t = 0; t < layer.n; t++) out.set(x.data.subarray(b * C, (b + 1) * C), (b * layer.n + t) * C);
      return { data: out, shape: [B, layer.n, C], mask: null };
    };
  }
  if (layer instanceof GlobalAveragePooling1D || layer instanceof GlobalMaxPooling1D) {
    const max = layer instanceof GlobalMaxPooling1D;
    return (x) => ({ data: pool(x, max), shape: [x.shape[0]!, x.shape[2]!], mask: null });
  }
  if (layer instanceof LayerNormalization) {
    const p = { gamma: w.gamma?.data.slice() ?? null, beta: w.beta?.data.slice() ?? null, epsilon: layer.epsilon };
    return (x) => ({ data: layerNorm(x, p), shape: x.shape, mask: x.mask });
  }
  if (layer instanceof Bidirectional) return bidirectional(layer, w);
  if (layer instanceof LSTM || layer instanceof GRU || layer instanceof SimpleRNN) {
    const cell = cellFor(layer, w);
    return (x, kept) => recurrentOutput(layer, x, runCell(cell, x, kept), layer.units);
  }
  if (layer instanceof EchoState) {
    const weights = { kernel: w.input_kernel!, recurrentKernel: w.reservoir!, bias: w.bias ?? { data: new Float32Array(layer.units), shape: [layer.units] } };
    const options = { activation: 'tanh' as const, returnSequences: layer.returnSequences, goBackwards: layer.goBackwards };
    const reservoir = new WasmSimpleRnn(weights, options, layer.leakRate, layer.connectivity <= SPARSE_CONNECTIVITY);
    return (x, kept) => {
      const states = runCell(reservoir, x, kept);
      if (!layer.includeInput) return recurrentOutput(layer, x, states, layer.units);
      return recurrentOutput(layer, x, withInput(states, x, layer), layer.units + x.shape[2]!);
    };
  }
  if (layer instanceof SRU) {
    const [F, U] = [w.kernel!.shape[0]!, layer.units];
    const bias = w.bias?.data.slice() ?? new Float32Array(2 * U);
    const options = { activation: layer.activation, returnSequences: layer.returnSequences, goBackwards: layer.goBackwards };
    const sru = new WasmSru(F, U, w.kernel!.data, w.recurrent_weights!.data.slice(), bias, options);
    return (x, kept) => {
      const B = x.shape[0]!;
      const states = (kept.length ? kept : [new Float32Array(B * U), new Float32Array(B * U)]) as [Float32Array, Float32Array];
      return recurrentOutput(layer, x, sru.forward(x.data, B, x.shape[1]!, states, x.mask), U);
    };
  }
  return (x) => x; // Dropout and SpatialDropout1D: the identity outside training
}

/** A recurrent layer's output of `width` per row: a sequence carries the mask on, a last output consumes it. */
export function recurrentOutput(layer: { returnSequences: boolean }, x: Act, out: Float32Array, width: number): Act {
  const [B, T] = x.shape as [number, number];
  return layer.returnSequences ? { data: out, shape: [B, T, width], mask: x.mask } : { data: out, shape: [B, width], mask: null };
}

/**
 * Keras's Bidirectional: the backward copy reads x from the end and its sequence is flipped back to input time, then
 * the two merge; a returned sequence is 0 at masked steps (Keras 3 forces zero_output_for_mask there). States: the
 * forward copy's, then the backward's.
 */
function bidirectional(layer: Bidirectional, w: Weights): Runner {
  const own = (copy: Layer) =>
    Object.fromEntries(Object.entries(w).flatMap(([name, t]) => (name.startsWith(`${copy.name}/`) ? [[name.slice(copy.name.length + 1), t]] : [])));
  // Each copy through its own runner (any cell: LSTM, GRU, SimpleRNN, SRU, EchoState), states split between them.
  const [forward, backward] = [runnerFor(layer.forwardLayer, own(layer.forwardLayer)), runnerFor(layer.backwardLayer, own(layer.backwardLayer))];
  const half = layer.forwardLayer.stateSizes().length;
  return (x, kept) => {
    const [B, T] = x.shape as [number, number];
    const [U, seq] = [layer.units, layer.returnSequences];
    const a = forward(x, kept.slice(0, half)).data;
    let b = backward(x, kept.slice(half)).data;
    if (seq) b = flipTime(b, B, T, U);
    const rows = seq ? B * T : B;
    const merged = mergeDirections(a, b, rows, U, layer.mergeMode);
    const width = merged.length / rows;
    if (seq) {
      x.mask?.forEach((real, r) => {
        if (!real) merged.fill(0, r * width, (r + 1) * width);
      });
    }
    return recurrentOutput(layer, x, merged, width);
  };
}

/**
 * Keras's global pooling over time of x [batch, T, C]: the maximum of every step (the mask ignored, as Keras's
 * GlobalMaxPooling1D does), or the mean of the real steps (all of them without a mask; a row with none gives 0).
 */
export function pool(x: Act, max: boolean): Float32Array {
  const [B, T, C] = x.shape as [number, number, number];
  const out = new Float32Array(B * C);
  for (let b = 0; b < B; b++) {
    const row = out.subarray(b * C, (b + 1) * C);
    if (max) row.fill(-Infinity);
    let real = 0;
    for (let t = 0; t < T; t++) {
      if (!max && x.mask && x.mask[b * T + t] === 0) continue;
      real++;
      const step = x.data.subarray((b * T + t) * C, (b * T + t + 1) * C);
      for (let c = 0; c < C; c++) row[c] = max ? Math.max(row[c]!, step[c]!) : row[c]! + step[c]!;
    }
    if (!max) for (let c = 0; c < C; c++) row[c] = real ? row[c]! / real : 0;
  }
  return out;
}

/** Keras's LayerNormalization over the last axis: γ·(x − mean)/√(variance + ε) + β per row (γ 1, β 0 when absent). */
export function layerNorm(x: Act, p: { gamma: Float32Array | null; beta: Float32Array | null; epsilon: number }): Float32Array {
  const C = x.shape[x.shape.length - 1]!;
  const out = new Float32Array(x.data.length);
  for (let r = 0; r < x.data.length / C; r++) {
    const row = x.data.subarray(r * C, (r + 1) * C);
    const mean = row.reduce((a, v) => a + v, 0) / C;
    const inv = 1 / Math.sqrt(row.reduce((a, v) => a + (v - mean) ** 2, 0) / C + p.epsilon);
    for (let c = 0; c < C; c++) out[r * C + c] = (p.gamma?.[c] ?? 1) * (row[c]! - mean) * inv + (p.beta?.[c] ?? 0);
  }
  return out;
}

/**
 * An echo-state layer's output with includeInput: each row [u_t; x_t], the input row it came from in front (a
 * returned sequence in processing order, so going backwards row s came from time T−1−s; a last output from the
 * last step processed).
 */
function withInput(states: Float32Array, x: Act, layer: EchoState): Float32Array {
  const [B, T, F] = x.shape as [number, number, number];
  const U = layer.units;
  const rows = layer.returnSequences ? B * T : B;
  const out = new Float32Array(rows * (F + U));
  for (let r = 0; r < rows; r++) {
    const [b, s] = layer.returnSequences ? [Math.floor(r / T), r % T] : [r, T - 1];
    const t = layer.goBackwards ? T - 1 - s : s;
    out.set(x.data.subarray((b * T + t) * F, (b * T + t + 1) * F), r * (F + U));
    out.set(states.subarray(r * U, (r + 1) * U), r * (F + U) + F);
  }
  return out;
}

/** One recurrent cell over x from the kept states (none: zeros), which it then updates; returns its output. */
export function runCell(cell: Cell, x: Act, kept: Float32Array[]): Float32Array {
  const batch = x.shape[0]!;
  const xIn = { data: x.data, shape: x.shape };
  const initial = kept.length ? kept.map((v) => ({ data: v, shape: [batch, v.length / batch] })) : undefined;
  const mask = x.mask ? { data: x.mask, shape: [batch, x.shape[1]!] } : undefined;
  let out: { output: Float32Array; h: Float32Array; c?: Float32Array };
  if (cell instanceof WasmLstm) out = cell.forward(xIn, initial as [Tensor, Tensor] | undefined, mask);
  else out = cell.forward(xIn, initial as [Tensor] | undefined, mask);
  if (kept.length) {
    kept[0]!.set(out.h);
    if (out.c) kept[1]!.set(out.c);
  }
  return out.output;
}

/** A batch-major [n, T, C] sequence with its time axis reversed. */
export function flipTime(data: Float32Array, n: number, T: number, C: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) for (let t = 0; t < T; t++) out.set(data.subarray((b * T + T - 1 - t) * C, (b * T + T - t) * C), (b * T + t) * C);
  return out;
}

/** shaders/bidirectionalMerge.wgsl's merge of the two directions' rows. */
export function mergeDirections(a: Float32Array, b: Float32Array, rows: number, units: number, mode: Bidirectional['mergeMode']): Float32Array {
  if (mode === 'concat') {
    const out = new Float32Array(rows * 2 * units);
    for (let r = 0; r < rows; r++) {
      out.set(a.subarray(r * units, (r + 1) * units), r * 2 * units);
      out.set(b.subarray(r * units, (r + 1) * units), r * 2 * units + units);
    }
    return out;
  }
  return a.map((v, i) => (mode === 'sum' ? v + b[i]! : mode === 'mul' ? v * b[i]! : (v + b[i]!) / 2));
}

export function cellFor(layer: Layer, w: Weights): Cell {
  const cell = layer as LSTM | GRU | SimpleRNN;
  const gates = cell instanceof LSTM ? 4 : cell instanceof GRU ? 3 : 1;
  const biasShape = cell instanceof GRU && cell.resetAfter ? [2, gates * cell.units] : [gates * cell.units];
  const bias = w.bias ?? { data: new Float32Array(biasShape.reduce((a, b) => a * b, 1)), shape: biasShape };
  const weights = { kernel: w.kernel!, recurrentKernel: w.recurrent_kernel!, bias };
  const common = { activation: cell.activation, returnSequences: cell.returnSequences, goBackwards: cell.goBackwards };
  if (cell instanceof LSTM) return new WasmLstm(weights, { ...common, recurrentActivation: cell.recurrentActivation });
  if (cell instanceof GRU) return new WasmGru(weights, { ...common, recurrentActivation: cell.recurrentActivation, resetAfter: cell.resetAfter });
  return new WasmSimpleRnn(weights, common);
}
