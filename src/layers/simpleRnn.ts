/**
 * `layers.simpleRNN`: Keras's SimpleRNN, h_t = act(x_t·W + h_{t−1}·U + b), on its cell (src/cells/simpleRnn.ts).
 * Shared options and the state and output-order mechanics: src/layers/recurrent.ts.
 */
import type { ParamSpec } from './layer';
import { simpleRnnCell, type SimpleRnnCellOptions } from '../cells/simpleRnn';
import { RECURRENT_KEYS, RecurrentLayer, type RecurrentLayerConfig } from './recurrent';

export type SimpleRnnLayerConfig = RecurrentLayerConfig;

export class SimpleRNN extends RecurrentLayer<SimpleRnnCellOptions> {
  readonly className = 'SimpleRNN';

  constructor(config: SimpleRnnLayerConfig) {
    super(config, 'simpleRNN', 'simple_rnn', RECURRENT_KEYS);
  }

  withConfig(overrides: Partial<SimpleRnnLayerConfig>): SimpleRNN {
    return new SimpleRNN({ ...this.config, ...overrides });
  }

  override stateSizes(): number[] {
    return [this.units];
  }

  protected biasFloats(): number {
    return this.units;
  }

  paramSpecs(inputShape: number[]): ParamSpec[] {
    const u = this.units;
    return this.withoutBiasUnlessUsed([
      { name: 'kernel', shape: [inputShape[1]!, u], init: this.initializers.kernel, regularizer: this.regularizers.kernel },
      { name: 'recurrent_kernel', shape: [u, u], init: this.initializers.recurrent, regularizer: this.regularizers.recurrent },
      { name: 'bias', shape: [u], init: this.initializers.bias, regularizer: this.regularizers.bias },
    ]);
  }

  getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }

  protected readonly cell = simpleRnnCell;

  protected cellOptions(goBackwards: boolean): SimpleRnnCellOptions {
    return { activation: this.activation, goBackwards };
  }
}
