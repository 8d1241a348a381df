/**
 * Which layers the wasm backend runs (src/cpu/model.ts), checked when a model builds on a wasm runtime: apart from
 * the model so that building one does not load the WebAssembly modules, which predict loads on first use.
 */
import { WebGPUUnavailableError } from '../errors';
import { Bidirectional } from '../layers/bidirectional';
import { Dense } from '../layers/dense';
import { EchoState } from '../layers/echoState';
import { Embedding } from '../layers/embedding';
import { Dropout } from '../layers/dropout';
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

/** The layer classes the wasm backend runs, as error messages name them. */
export const WASM_LAYERS =
  'LSTM, GRU, SimpleRNN, SRU, EchoState, Bidirectional, Embedding, Masking, Dense, TimeDistributed, RepeatVector, global pooling, LayerNormalization and Dropout';

/**
 * Throws a WebGPUUnavailableError naming the first layer the wasm backend cannot run (or cannot run with its
 * options), before the model builds anything.
 */
export function checkWasmLayers(layers: readonly Layer[]): void {
  for (const layer of layers) {
    const why = unsupported(layer);
    if (why) {
      throw new WebGPUUnavailableError(
        `layer '${layer.name}' (${layer.className}) ${why} on the wasm backend yet, which runs ${WASM_LAYERS} layers for predict and predictStep; ` +
          `use a runtime from createRuntime({ backend: 'webgpu' }) for this model`,
      );
    }
  }
}

function unsupported(layer: Layer): string | null {
  const plain = [Dense, Dropout, Masking, Embedding, TimeDistributed, RepeatVector, GlobalAveragePooling1D, GlobalMaxPooling1D, LayerNormalization];
  if (isCell(layer) || plain.some((kind) => layer instanceof kind)) return null;
  if (layer instanceof Bidirectional) return isCell(layer.forwardLayer) ? null : `around ${layer.forwardLayer.className} does not run`;
  return 'does not run';
}

function isCell(layer: Layer): boolean {
  return layer instanceof LSTM || layer instanceof GRU || layer instanceof SimpleRNN || layer instanceof SRU || layer instanceof EchoState;
}
