/**
 * `layers.echoState`: an echo-state network's reservoir (Jaeger; leaky-integrator form), a recurrent layer whose
 * weights are drawn once and never trained:
 *
 *   x_t = (1 − a) x_{t−1} + a · tanh(u_t·W_in + x_{t−1}·W + b)
 *
 * W_in uniform in [−inputScaling, inputScaling]; W [units, units] with a fraction `connectivity` of non-zero
 * weights, uniform in [−1, 1], then scaled to spectral radius `spectralRadius`; b uniform in [−biasScaling,
 * biasScaling]; all from `seed` (else from the model's seed). Weights input_kernel, reservoir, bias, non-trainable:
 * what learns is the layer after it, a Dense readout, by gradient `fit` or in closed form by `model.fitRidge`.
 * Runs on the SimpleRNN's kernels with a leak (src/cells/echoState.ts). TF.js and Keras have no such layer: it saves
 * and loads here under class name 'EchoState', and nowhere else.
 */
import { ValueError } from '../errors';
import { echoStateCell, SPARSE_CONNECTIVITY, type EchoStateCellOptions } from '../cells/echoState';
import { checkLeakRate } from '../ops/echoStateArgs';
import { spectralRadius } from '../ops/spectralRadius';
import type { Initializer } from './initializers';
import type { ParamSpec } from './layer';
import { RecurrentLayer, type RecurrentLayerConfig } from './recurrent';

export interface EchoStateLayerConfig extends Pick<
  RecurrentLayerConfig,
  'units' | 'returnSequences' | 'returnState' | 'goBackwards' | 'stateful' | 'inputShape' | 'batchInputShape' | 'batchSize' | 'name'
> {
  /** ρ(W), the largest |eigenvalue| of the reservoir; below 1 for the echo-state property on most inputs. Default 0.9. */
  spectralRadius?: number;
  /** a in (0, 1]: the leaky integrator's rate. Default 1 (no leak). */
  leakRate?: number;
  /** W_in uniform in [−inputScaling, inputScaling]. Default 1. */
  inputScaling?: number;
  /** The fraction of non-zero reservoir weights, in (0, 1]. Default 0.1. */
  connectivity?: number;
  /** b uniform in [−biasScaling, biasScaling]. Default 0 (no bias). */
  biasScaling?: number;
  /** Draws the three weights from their own generator, so a reservoir is the same in every model. */
  seed?: number;
}

const KEYS = [
  'units',
  'returnSequences',
  'returnState',
  'goBackwards',
  'stateful',
  'inputShape',
  'batchInputShape',
  'batchSize',
  'name',
  'spectralRadius',
  'leakRate',
  'inputScaling',
  'connectivity',
  'biasScaling',
  'seed',
] as const;

function number(where: string, option: string, value: unknown, fallback: number, ok: (v: number) => boolean, expected: string): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new ValueError(`${where}: ${option} must be ${expected}; got ${JSON.stringify(value)}`);
  return v;
}

export class EchoState extends RecurrentLayer<EchoStateCellOptions> {
  readonly className = 'EchoState';
  readonly spectralRadiusTarget: number;
  readonly leakRate: number;
  readonly inputScaling: number;
  readonly connectivity: number;
  readonly biasScaling: number;
  readonly seed: number | null;

  constructor(config: EchoStateLayerConfig) {
    super(config as RecurrentLayerConfig, 'echoState', 'echo_state', KEYS);
    const w = this.where;
    this.spectralRadiusTarget = number(w, 'spectralRadius', config.spectralRadius, 0.9, (v) => v > 0, 'a number > 0');
    this.leakRate = checkLeakRate(`${w}: `, config.leakRate ?? 1);
    this.inputScaling = number(w, 'inputScaling', config.inputScaling, 1, (v) => v > 0, 'a number > 0');
    this.connectivity = number(w, 'connectivity', config.connectivity, 0.1, (v) => v > 0 && v <= 1, 'a number in (0, 1]');
    this.biasScaling = number(w, 'biasScaling', config.biasScaling, 0, (v) => v >= 0, 'a number ≥ 0');
    this.seed = config.seed === undefined || config.seed === null ? null : number(w, 'seed', config.seed, 0, Number.isInteger, 'an integer');
  }

  withConfig(overrides: Partial<RecurrentLayerConfig>): EchoState {
    return new EchoState({ ...(this.config as EchoStateLayerConfig), ...(overrides as Partial<EchoStateLayerConfig>) });
  }

  override stateSizes(): number[] {
    return [this.units];
  }

  protected biasFloats(): number {
    return this.units;
  }

  paramSpecs(inputShape: number[]): ParamSpec[] {
    const u = this.units;
    // Each weight its own stream of the seed, so input and reservoir draws are not the same numbers.
    const seeded = (init: Initializer, k: number): Initializer => (this.seed === null ? init : { ...init, seed: this.seed + k });
    const spec = (name: string, shape: number[], init: Initializer, k: number): ParamSpec => ({
      name,
      shape,
      init: seeded(init, k),
      regularizer: null,
      trainable: false,
    });
    const uniform = (scale: number): Initializer => (scale > 0 ? { kind: 'randomUniform', min: -scale, max: scale } : { kind: 'zeros' });
    return [
      spec('input_kernel', [inputShape[1]!, u], uniform(this.inputScaling), 0),
      spec('reservoir', [u, u], { kind: 'reservoir', connectivity: this.connectivity, spectralRadius: this.spectralRadiusTarget }, 1),
      spec('bias', [u], uniform(this.biasScaling), 2),
    ];
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      trainable: false,
      units: this.units,
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: this.stateful,
      spectral_radius: this.spectralRadiusTarget,
      leak_rate: this.leakRate,
      input_scaling: this.inputScaling,
      connectivity: this.connectivity,
      bias_scaling: this.biasScaling,
      seed: this.seed,
    };
  }

  /** The reservoir's spectral radius now, measured on the GPU by power iteration (ops/spectralRadius.ts). */
  async spectralRadius(): Promise<number> {
    const owner = this.ownerFor('spectralRadius');
    const [, reservoir] = await owner.getLayerWeights(this);
    return spectralRadius(owner.rt, reservoir!);
  }

  protected readonly cell = echoStateCell;

  protected cellOptions(goBackwards: boolean): EchoStateCellOptions {
    return { leakRate: this.leakRate, goBackwards, frozen: true, sparse: this.connectivity <= SPARSE_CONNECTIVITY };
  }
}
