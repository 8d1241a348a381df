/**
 * A Sequential model's forward pass on the wasm backend (src/cpu/): the layers run in order on the host, batch-major,
 * each through its WebAssembly runner (WasmLstm, WasmGru, WasmSimpleRnn, WasmDense; a Bidirectional runs two cells
 * and merges them, an Embedding looks rows up; Dropout is the identity at inference). The runners lay their weights out from the model's host parameters (ParameterArena.host) and again
 * whenever those change (arena.version). Stateful layers read and write their kept states (./states.ts): predict
 * and predictStep continue from them until resetStates().
 */
import { Bidirectional } from '../layers/bidirectional';
import { Dense } from '../layers/dense';
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
import { checkWasmLayers } from './layers';
import type { HostStates } from './states';

type Weights = Record<string, { data: Float32Array; shape: number[] }>;
type Cell = WasmLstm | WasmGru | WasmSimpleRnn;
type Runner =
  | { kind: 'dense'; run: WasmDense; units: number }
  | { kind: 'embedding'; table: Float32Array; width: number; maskZero: boolean }
  | { kind: 'masking'; isReal: (values: Float32Array, at: number, width: number) => boolean }
  | { kind: 'repeat'; n: number }
  | { kind: 'pool'; max: boolean }
  | { kind: 'layerNorm'; gamma: Float32Array | null; beta: Float32Array | null; epsilon: number }
  | { kind: 'recurrent'; run: Cell; layer: LSTM | GRU | SimpleRNN | EchoState }
  | { kind: 'sru'; run: WasmSru; layer: SRU }
  | { kind: 'bidirectional'; forward: Cell; backward: Cell; layer: Bidirectional };

/**
 * An activation between layers: batch-major data and its shape with the batch axis, and Keras's timestep mask
 * travelling with a sequence ([batch, timesteps], 1 real, 0 padding; made by Masking or Embedding maskZero).
 */
interface Act {
  data: Float32Array;
  shape: number[];
  mask: Float32Array | null;
}

export class CpuModel {
  private runners: (Runner | null)[] = [];
  private builtFrom = -1;

  constructor(
    private readonly layers: readonly Layer[],
    private readonly arena: ParameterArena,
    /** The kept states of a stateful model, else null. */
    private readonly kept: HostStates | null,
  ) {
    checkWasmLayers(layers);
  }

  /** Runs x [batch, ...inputShape] through every layer; the states of stateful layers carry on. */
  forward(x: Float32Array, batch: number, inputShape: number[]): Float32Array {
    this.refresh();
    let act: Act = { data: x, shape: [batch, ...inputShape], mask: null };
    this.layers.forEach((_, i) => {
      act = this.layerForward(i, act);
    });
    return act.data;
  }

  /** The runners, laid out again from the host parameters if they changed since. */
  private refresh(): void {
    if (this.builtFrom === this.arena.version) return;
    const host = this.arena.host!;
    this.runners = this.layers.map((layer, i) => {
      const w: Weights = {};
      for (const seg of this.arena.segments)
        if (seg.layer === i) w[seg.spec.name] = { data: host.subarray(seg.offset, seg.offset + seg.length), shape: seg.spec.shape };
      return runnerFor(layer, w);
    });
    this.builtFrom = this.arena.version;
  }

  private layerForward(i: number, x: Act): Act {
    const runner = this.runners[i];
    if (!runner) return x; // Dropout: the identity outside training
    const batch = x.shape[0]!;
    if (runner.kind === 'dense') {
      const rows = x.data.length / x.shape[x.shape.length - 1]!;
      return { data: runner.run.forward(x.data, rows), shape: [...x.shape.slice(0, -1), runner.units], mask: x.mask };
    }
    if (runner.kind === 'embedding') {
      const out = new Float32Array(x.data.length * runner.width);
      x.data.forEach((id, k) => out.set(runner.table.subarray(id * runner.width, (id + 1) * runner.width), k * runner.width));
      return { data: out, shape: [...x.shape, runner.width], mask: runner.maskZero ? x.data.map((id) => (id === 0 ? 0 : 1)) : null };
    }
    if (runner.kind === 'masking') {
      // Keras's Masking: a step whose features all equal maskValue is padding, and comes out as zeros.
      const width = x.shape[2]!;
      const mask = new Float32Array(x.data.length / width);
      const data = x.data.slice();
      mask.forEach((_, r) => {
        mask[r] = runner.isReal(x.data, r * width, width) ? 1 : 0;
        if (!mask[r]) data.fill(0, r * width, (r + 1) * width);
      });
      return { data, shape: x.shape, mask };
    }
    if (runner.kind === 'repeat') {
      const C = x.shape[1]!;
      const out = new Float32Array(batch * runner.n * C);
      for (let b = 0; b < batch; b++) for (let t = 0; t < runner.n; t++) out.set(x.data.subarray(b * C, (b + 1) * C), (b * runner.n + t) * C);
      return { data: out, shape: [batch, runner.n, C], mask: null };
    }
    if (runner.kind === 'pool') return { data: pool(x, runner.max), shape: [batch, x.shape[2]!], mask: null };
    if (runner.kind === 'layerNorm') return { data: layerNorm(x, runner), shape: x.shape, mask: x.mask };
    const kept = this.kept?.states[i] ?? [];
    const T = x.shape[1]!;
    // With returnSequences the mask travels on; without, the layer consumes it.
    if (runner.kind === 'recurrent' || runner.kind === 'sru') {
      const { layer } = runner;
      let out: Float32Array;
      if (runner.kind === 'sru') {
        const states = (kept.length ? kept : [new Float32Array(batch * layer.units), new Float32Array(batch * layer.units)]) as [Float32Array, Float32Array];
        out = runner.run.forward(x.data, batch, T, states, x.mask);
      } else out = runCell(runner.run, x, kept);
      let width = layer.units;
      if (layer instanceof EchoState && layer.includeInput) [out, width] = [withInput(out, x, layer), layer.units + x.shape[2]!];
      return layer.returnSequences ? { data: out, shape: [batch, T, width], mask: x.mask } : { data: out, shape: [batch, width], mask: null };
    }
    // Bidirectional, as Keras's: the backward copy reads x from the end; its sequence is flipped back to input time.
    const { layer } = runner;
    const half = layer.forwardLayer.stateSizes().length;
    const a = runCell(runner.forward, x, kept.slice(0, half));
    let b = runCell(runner.backward, x, kept.slice(half));
    const U = layer.units;
    const seq = layer.returnSequences;
    if (seq) b = flipTime(b, batch, T, U);
    const merged = mergeDirections(a, b, seq ? batch * T : batch, U, layer.mergeMode);
    const width = merged.length / (seq ? batch * T : batch);
    if (!seq) return { data: merged, shape: [batch, width], mask: null };
    // Keras 3's Bidirectional forces zero_output_for_mask on a returned sequence: masked steps come out as 0.
    x.mask?.forEach((real, r) => {
      if (!real) merged.fill(0, r * width, (r + 1) * width);
    });
    return { data: merged, shape: [batch, T, width], mask: x.mask };
  }
}

/**
 * Keras's global pooling over time of x [batch, T, C]: the maximum of every step (the mask ignored, as Keras's
 * GlobalMaxPooling1D does), or the mean of the real steps (all of them without a mask; a row with none gives 0).
 */
function pool(x: Act, max: boolean): Float32Array {
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
function layerNorm(x: Act, p: { gamma: Float32Array | null; beta: Float32Array | null; epsilon: number }): Float32Array {
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
function runCell(cell: Cell, x: Act, kept: Float32Array[]): Float32Array {
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
function flipTime(data: Float32Array, n: number, T: number, C: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) for (let t = 0; t < T; t++) out.set(data.subarray((b * T + T - 1 - t) * C, (b * T + T - t) * C), (b * T + t) * C);
  return out;
}

/** shaders/bidirectionalMerge.wgsl's merge of the two directions' rows. */
function mergeDirections(a: Float32Array, b: Float32Array, rows: number, units: number, mode: Bidirectional['mergeMode']): Float32Array {
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

/** A layer's runner from its weights by Keras name (a layer without a bias gets zeros), or null for Dropout. */
function runnerFor(layer: Layer, w: Weights): Runner | null {
  if (layer instanceof Dense)
    return { kind: 'dense', units: layer.units, run: new WasmDense(w.kernel!.shape[0]!, layer.units, w.kernel!.data, w.bias?.data ?? null, layer.activation) };
  if (layer instanceof Embedding) return { kind: 'embedding', table: w.embeddings!.data.slice(), width: layer.outputDim, maskZero: layer.maskZero };
  if (layer instanceof Masking) return { kind: 'masking', isReal: layer.realStepTest() };
  if (layer instanceof TimeDistributed) return runnerFor(layer.layer, w);
  if (layer instanceof RepeatVector) return { kind: 'repeat', n: layer.n };
  if (layer instanceof GlobalAveragePooling1D || layer instanceof GlobalMaxPooling1D) return { kind: 'pool', max: layer instanceof GlobalMaxPooling1D };
  if (layer instanceof LayerNormalization)
    return { kind: 'layerNorm', gamma: w.gamma?.data.slice() ?? null, beta: w.beta?.data.slice() ?? null, epsilon: layer.epsilon };
  if (layer instanceof Bidirectional) {
    const own = (copy: Layer) =>
      Object.fromEntries(Object.entries(w).flatMap(([name, t]) => (name.startsWith(`${copy.name}/`) ? [[name.slice(copy.name.length + 1), t]] : [])));
    return {
      kind: 'bidirectional',
      layer,
      forward: cellFor(layer.forwardLayer, own(layer.forwardLayer)),
      backward: cellFor(layer.backwardLayer, own(layer.backwardLayer)),
    };
  }
  if (layer instanceof LSTM || layer instanceof GRU || layer instanceof SimpleRNN) return { kind: 'recurrent', layer, run: cellFor(layer, w) };
  if (layer instanceof EchoState) {
    const weights = { kernel: w.input_kernel!, recurrentKernel: w.reservoir!, bias: w.bias ?? { data: new Float32Array(layer.units), shape: [layer.units] } };
    const options = { activation: 'tanh' as const, returnSequences: layer.returnSequences, goBackwards: layer.goBackwards };
    return { kind: 'recurrent', layer, run: new WasmSimpleRnn(weights, options, layer.leakRate) };
  }
  if (layer instanceof SRU) {
    const [F, U] = [w.kernel!.shape[0]!, layer.units];
    const bias = w.bias?.data ?? new Float32Array(2 * U);
    const options = { activation: layer.activation, returnSequences: layer.returnSequences, goBackwards: layer.goBackwards };
    return { kind: 'sru', layer, run: new WasmSru(F, U, w.kernel!.data, w.recurrent_weights!.data.slice(), bias.slice(), options) };
  }
  return null;
}

function cellFor(layer: Layer, w: Weights): Cell {
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
