/**
 * `layers.gru`: a GRU layer (Keras semantics and weight layout: gate order z, r, h; bias [2, 3u] with
 * resetAfter, the default, else [3u]) on the GRU cell (src/cells/gru.ts, which also says how the [2, 3u] bias
 * is bound). Shared options and the state and output-order mechanics: src/layers/recurrent.ts.
 */
import { GATE_ACTIVATIONS, checkActivation, type GateActivation } from '../kernels/activations';
import { optionalBool } from './config';
import type { ParamSpec } from './layer';
import { gruCell, type GruCellOptions } from '../cells/gru';
import { RECURRENT_KEYS, RecurrentLayer, type RecurrentLayerConfig } from './recurrent';

export interface GruLayerConfig extends RecurrentLayerConfig {
  recurrentActivation?: GateActivation;
  /** Keras reset_after (default true, as Keras 2+, PyTorch and cuDNN): r scales h·U_h + b_rec. */
  resetAfter?: boolean;
}

const KEYS = [...RECURRENT_KEYS, 'recurrentActivation', 'resetAfter'] as const;

export class GRU extends RecurrentLayer<GruCellOptions> {
  readonly className = 'GRU';
  readonly recurrentActivation: GateActivation;
  readonly resetAfter: boolean;

  constructor(config: GruLayerConfig) {
    super(config, 'gru', 'gru', KEYS);
    this.recurrentActivation = checkActivation(`${this.where}: recurrentActivation`, config.recurrentActivation ?? 'sigmoid', GATE_ACTIVATIONS);
    this.resetAfter = optionalBool(this.where, 'resetAfter', config.resetAfter, true);
  }

  withConfig(overrides: Partial<GruLayerConfig>): GRU {
    return new GRU({ ...(this.config as GruLayerConfig), ...overrides });
  }

  override stateSizes(): number[] {
    return [this.units];
  }

  protected biasFloats(): number {
    return (this.resetAfter ? 6 : 3) * this.units;
  }

  paramSpecs(inputShape: number[]): ParamSpec[] {
    const u = this.units;
    return this.withoutBiasUnlessUsed([
      { name: 'kernel', shape: [inputShape[1]!, 3 * u], init: this.initializers.kernel, regularizer: this.regularizers.kernel },
      { name: 'recurrent_kernel', shape: [u, 3 * u], init: this.initializers.recurrent, regularizer: this.regularizers.recurrent },
      { name: 'bias', shape: this.resetAfter ? [2, 3 * u] : [3 * u], init: this.initializers.bias, regularizer: this.regularizers.bias },
    ]);
  }

  getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      recurrent_activation: this.recurrentActivation === 'hardSigmoid' ? 'hard_sigmoid' : this.recurrentActivation,
      reset_after: this.resetAfter,
    };
  }

  protected readonly cell = gruCell;

  protected cellOptions(goBackwards: boolean): GruCellOptions {
    return { activation: this.activation, recurrentActivation: this.recurrentActivation, resetAfter: this.resetAfter, goBackwards };
  }
}
