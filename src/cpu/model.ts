/**
 * A Sequential model's forward pass on the wasm backend (src/cpu/): the layers run in order on the host, batch-major,
 * each through its WebAssembly runner (WasmLstm, WasmGru, WasmSimpleRnn, WasmDense; Dropout is the identity at
 * inference). The runners lay their weights out from the model's host parameters (ParameterArena.host) and again
 * whenever those change (arena.version). Stateful layers read and write their kept states (./states.ts): predict
 * and predictStep continue from them until resetStates().
 */
import { Dense } from '../layers/dense';
import { GRU } from '../layers/gru';
import type { Layer } from '../layers/layer';
import { LSTM } from '../layers/lstm';
import { SimpleRNN } from '../layers/simpleRnn';
import type { ParameterArena } from '../model/arena';
import type { Tensor } from '../tensor';
import { WasmDense } from './dense';
import { WasmGru } from './gru';
import { WasmLstm } from './lstm';
import { WasmSimpleRnn } from './simpleRnn';
import { checkWasmLayers } from './layers';
import type { HostStates } from './states';

type Runner = { kind: 'lstm'; run: WasmLstm } | { kind: 'gru'; run: WasmGru } | { kind: 'simpleRnn'; run: WasmSimpleRnn } | { kind: 'dense'; run: WasmDense };

/** An activation between layers: batch-major data and its shape with the batch axis. */
interface Act {
  data: Float32Array;
  shape: number[];
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
    let act: Act = { data: x, shape: [batch, ...inputShape] };
    this.layers.forEach((layer, i) => {
      act = this.layerForward(i, layer, act);
    });
    return act.data;
  }

  /** The runners, laid out again from the host parameters if they changed since. */
  private refresh(): void {
    if (this.builtFrom === this.arena.version) return;
    const host = this.arena.host!;
    this.runners = this.layers.map((layer, i) => {
      const w: Record<string, { data: Float32Array; shape: number[] }> = {};
      for (const seg of this.arena.segments)
        if (seg.layer === i) w[seg.spec.name] = { data: host.subarray(seg.offset, seg.offset + seg.length), shape: seg.spec.shape };
      return runnerFor(layer, w);
    });
    this.builtFrom = this.arena.version;
  }

  private layerForward(i: number, layer: Layer, x: Act): Act {
    const runner = this.runners[i];
    if (!runner) return x; // Dropout: the identity outside training
    const batch = x.shape[0]!;
    if (runner.kind === 'dense') {
      const inputs = x.shape[x.shape.length - 1]!;
      const rows = x.data.length / inputs;
      const units = (layer as Dense).units;
      return { data: runner.run.forward(x.data, rows), shape: [...x.shape.slice(0, -1), units] };
    }
    const recurrent = layer as LSTM | GRU | SimpleRNN;
    const kept = this.kept?.states[i] ?? [];
    const xIn = { data: x.data, shape: x.shape };
    const initial = kept.length ? kept.map((v) => ({ data: v, shape: [batch, v.length / batch] })) : undefined;
    let out: { output: Float32Array; h: Float32Array; c?: Float32Array };
    if (runner.kind === 'lstm') out = runner.run.forward(xIn, initial as [Tensor, Tensor] | undefined);
    else if (runner.kind === 'gru') out = runner.run.forward(xIn, initial as [Tensor] | undefined);
    else out = runner.run.forward(xIn, initial as [Tensor] | undefined);
    if (kept.length) {
      kept[0]!.set(out.h);
      if (out.c) kept[1]!.set(out.c);
    }
    const T = x.shape[1]!;
    return { data: out.output, shape: recurrent.returnSequences ? [batch, T, recurrent.units] : [batch, recurrent.units] };
  }
}

/** A layer's runner from its weights by Keras name (a layer without a bias gets zeros), or null for Dropout. */
function runnerFor(layer: Layer, w: Record<string, { data: Float32Array; shape: number[] }>): Runner | null {
  if (layer instanceof Dense)
    return { kind: 'dense', run: new WasmDense(w.kernel!.shape[0]!, layer.units, w.kernel!.data, w.bias?.data ?? null, layer.activation) };
  if (!(layer instanceof LSTM || layer instanceof GRU || layer instanceof SimpleRNN)) return null;
  const gates = layer instanceof LSTM ? 4 : layer instanceof GRU ? 3 : 1;
  const biasShape = layer instanceof GRU && layer.resetAfter ? [2, gates * layer.units] : [gates * layer.units];
  const bias = w.bias ?? { data: new Float32Array(biasShape.reduce((a, b) => a * b, 1)), shape: biasShape };
  const weights = { kernel: w.kernel!, recurrentKernel: w.recurrent_kernel!, bias };
  const common = { activation: layer.activation, returnSequences: layer.returnSequences, goBackwards: layer.goBackwards };
  if (layer instanceof LSTM) return { kind: 'lstm', run: new WasmLstm(weights, { ...common, recurrentActivation: layer.recurrentActivation }) };
  if (layer instanceof GRU)
    return { kind: 'gru', run: new WasmGru(weights, { ...common, recurrentActivation: layer.recurrentActivation, resetAfter: layer.resetAfter }) };
  return { kind: 'simpleRnn', run: new WasmSimpleRnn(weights, common) };
}
