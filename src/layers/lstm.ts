/**
 * `layers.lstm`: an LSTM layer (Keras semantics and weight layout) on the LSTM cell (src/cells/lstm.ts).
 * The options every recurrent layer shares (returnSequences, returnState, goBackwards, stateful) and the state
 * and output-order mechanics live in src/layers/recurrent.ts.
 */
import { GATE_ACTIVATIONS, checkActivation, type GateActivation } from '../kernels/activations';
import { optionalBool } from './config';
import type { ParamSpec } from './layer';
import { lstmCell, type LstmCellOptions } from '../cells/lstm';
import { RECURRENT_KEYS, RecurrentLayer, type RecurrentLayerConfig } from './recurrent';

export interface LstmLayerConfig extends RecurrentLayerConfig {
  recurrentActivation?: GateActivation;
  /** Ones in the forget-gate bias at initialization (Keras default true). */
  unitForgetBias?: boolean;
}

const KEYS = [...RECURRENT_KEYS, 'recurrentActivation', 'unitForgetBias'] as const;

export class LSTM extends RecurrentLayer<LstmCellOptions> {
  readonly className = 'LSTM';
  readonly recurrentActivation: GateActivation;
  readonly unitForgetBias: boolean;

  constructor(config: LstmLayerConfig) {
    super(config, 'lstm', 'lstm', KEYS);
    this.recurrentActivation = checkActivation(`${this.where}: recurrentActivation`, config.recurrentActivation ?? 'sigmoid', GATE_ACTIVATIONS);
    this.unitForgetBias = optionalBool(this.where, 'unitForgetBias', config.unitForgetBias, true);
  }

  withConfig(overrides: Partial<LstmLayerConfig>): LSTM {
    return new LSTM({ ...(this.config as LstmLayerConfig), ...overrides });
  }

  override stateSizes(): number[] {
    return [this.units, this.units];
  }

  protected biasFloats(): number {
    return 4 * this.units;
  }

  paramSpecs(inputShape: number[]): ParamSpec[] {
    const u = this.units;
    return this.withoutBiasUnlessUsed([
      { name: 'kernel', shape: [inputShape[1]!, 4 * u], init: this.initializers.kernel, regularizer: this.regularizers.kernel },
      { name: 'recurrent_kernel', shape: [u, 4 * u], init: this.initializers.recurrent, regularizer: this.regularizers.recurrent },
      {
        name: 'bias',
        shape: [4 * u],
        init: this.unitForgetBias ? { kind: 'unitForgetBias', units: u, base: this.initializers.bias } : this.initializers.bias,
        regularizer: this.regularizers.bias,
      },
    ]);
  }

  getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      recurrent_activation: this.recurrentActivation === 'hardSigmoid' ? 'hard_sigmoid' : this.recurrentActivation,
      unit_forget_bias: this.unitForgetBias,
    };
  }

  protected readonly cell = lstmCell;

  protected cellOptions(goBackwards: boolean): LstmCellOptions {
    return { activation: this.activation, recurrentActivation: this.recurrentActivation, goBackwards };
  }
}
