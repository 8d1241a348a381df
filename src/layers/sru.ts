/**
 * `layers.sru`: the Simple Recurrent Unit (Lei et al. 2018) on its cell (src/cells/sru.ts), math in
 * shaders/sruSeq.wgsl. Shared options and the state and output-order mechanics: src/layers/recurrent.ts.
 *
 * Weights: kernel [F, 3u] (blocks W, W_f, W_r) when F = u, else [F, 4u] with W_h fourth; recurrent_weights [2, u]
 * (v_f; v_r); bias [2, u] (b_f; b_r). States [h, c]: c is the recurrence, h the last output (what a masked step
 * repeats), so returnState gives [output, h, c] and initialState takes [h, c], as the LSTM's.
 *
 * Defaults: activation 'linear' (the 2018 paper; 'tanh' gives the 2017 preprint), kernel glorotUniform,
 * recurrent_weights and bias zeros (the gates start without looking at c; its gradient reaches v all the same).
 * TF.js and Keras have no SRU: a model with one saves and loads here under class name 'SRU', and nowhere else.
 */
import type { ParamSpec } from './layer';
import { sruCell, type SruCellOptions } from '../cells/sru';
import { sruBlocks } from '../kernels/sruSeq';
import { readInitializer } from './initializerConfig';
import { RECURRENT_KEYS, RecurrentLayer, type RecurrentLayerConfig } from './recurrent';

export type SruLayerConfig = RecurrentLayerConfig;

export class SRU extends RecurrentLayer<SruCellOptions> {
  readonly className = 'SRU';

  constructor(config: SruLayerConfig) {
    super({ ...config, activation: config?.activation ?? 'linear' }, 'sru', 'sru', RECURRENT_KEYS);
  }

  withConfig(overrides: Partial<SruLayerConfig>): SRU {
    return new SRU({ ...this.config, ...overrides });
  }

  override stateSizes(): number[] {
    return [this.units, this.units];
  }

  protected biasFloats(): number {
    return 2 * this.units;
  }

  paramSpecs(inputShape: number[]): ParamSpec[] {
    const u = this.units;
    const features = inputShape[1]!;
    // Keras's recurrent default (orthogonal) is for a matrix; the SRU's recurrent weights are two vectors.
    const recurrent = readInitializer(this.where, 'recurrentInitializer', this.config.recurrentInitializer, { kind: 'zeros' });
    return this.withoutBiasUnlessUsed([
      { name: 'kernel', shape: [features, sruBlocks({ features, units: u }) * u], init: this.initializers.kernel, regularizer: this.regularizers.kernel },
      { name: 'recurrent_weights', shape: [2, u], init: recurrent, regularizer: this.regularizers.recurrent },
      { name: 'bias', shape: [2, u], init: this.initializers.bias, regularizer: this.regularizers.bias },
    ]);
  }

  getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }

  protected readonly cell = sruCell;

  protected cellOptions(goBackwards: boolean): SruCellOptions {
    return { activation: this.activation, goBackwards };
  }
}
