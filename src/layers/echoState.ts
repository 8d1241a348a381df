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
 * Runs on the SimpleRNN's kernels with a leak (src/cells/echoState.ts). With `includeInput` (the default) the
 * layer outputs [u_t; x_t], the input beside the state (shaders/concatInput.wgsl), as Jaeger's readout sees them:
 * a Dense after it is then the readout on [1; u_t; x_t]. TF.js and Keras have no such layer: it saves and loads here
 * under class name 'EchoState', and nowhere else.
 */
import { ShapeError, ValueError } from '../errors';
import { recordAddInputGrad, recordConcatInput, recordSplitStateGrad, type ConcatInputDims } from '../kernels/concatInput';
import { echoStateCell, SPARSE_CONNECTIVITY, type EchoStateCellOptions } from '../cells/echoState';
import { checkLeakRate } from '../ops/echoStateArgs';
import { spectralRadius } from '../ops/spectralRadius';
import type { Initializer } from './initializers';
import { RunBuffers, type Act, type BindContext, type LayerRun, type ParamSpec } from './layer';
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
  /**
   * Output [u_t; x_t] (input features first, then the units), what Jaeger's readout is fitted on; false: the
   * reservoir's states x_t alone. Default true.
   */
  includeInput?: boolean;
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
  'includeInput',
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
  readonly includeInput: boolean;

  constructor(config: EchoStateLayerConfig) {
    super(config as RecurrentLayerConfig, 'echoState', 'echo_state', KEYS);
    const w = this.where;
    this.spectralRadiusTarget = number(w, 'spectralRadius', config.spectralRadius, 0.9, (v) => v > 0, 'a number > 0');
    this.leakRate = checkLeakRate(`${w}: `, config.leakRate ?? 1);
    this.inputScaling = number(w, 'inputScaling', config.inputScaling, 1, (v) => v > 0, 'a number > 0');
    this.connectivity = number(w, 'connectivity', config.connectivity, 0.1, (v) => v > 0 && v <= 1, 'a number in (0, 1]');
    this.biasScaling = number(w, 'biasScaling', config.biasScaling, 0, (v) => v >= 0, 'a number ≥ 0');
    this.seed = config.seed === undefined || config.seed === null ? null : number(w, 'seed', config.seed, 0, Number.isInteger, 'an integer');
    const includeInput = config.includeInput ?? true;
    if (typeof includeInput !== 'boolean') throw new ValueError(`${w}: includeInput must be true or false; got ${JSON.stringify(config.includeInput)}`);
    this.includeInput = includeInput;
  }

  withConfig(overrides: Partial<RecurrentLayerConfig>): EchoState {
    return new EchoState({ ...(this.config as EchoStateLayerConfig), ...(overrides as Partial<EchoStateLayerConfig>) });
  }

  override stateSizes(): number[] {
    return [this.units];
  }

  /**
   * A masked input and one output per sample: each row's last state is that of its last real step, which differs
   * by row, so the input row beside it would be a guess; refused by name at build.
   */
  override outputMasked(inputMasked: boolean): boolean {
    if (inputMasked && this.includeInput && !this.returnSequences) {
      throw new ValueError(
        `${this.where}: includeInput with a masked input needs returnSequences: true (each row's last real step differs, so its last state has no one input row); set includeInput: false, or returnSequences: true`,
      );
    }
    return super.outputMasked(inputMasked);
  }

  /** The reservoir's output, widened by the input's features with includeInput. */
  protected override computeOutputShape(inputShape: number[]): number[] {
    const shape = super.computeOutputShape(inputShape);
    if (!this.includeInput) return shape;
    const width = this.units + inputShape[1]!;
    return this.returnSequences ? [shape[0]!, width] : [width];
  }

  /**
   * With includeInput: the reservoir's run, then each output row with the input row it came from in front
   * (shaders/concatInput.wgsl); backward splits the gradient into the states' (to the reservoir) and the input's
   * (added to what the reservoir passes down).
   */
  override bind(ctx: BindContext, input: Act): LayerRun {
    const run = super.bind(ctx, input);
    if (!this.includeInput) return run;
    const timesteps = input.timesteps;
    if (timesteps === null) throw new ShapeError(`${this.where} needs a sequence input [batch, timesteps, features]; got [batch, ${input.cols}]`);
    const reservoir = run.output;
    const nu = input.cols;
    // A last output came after the last step processed: input step T − 1, or 0 going backwards.
    const lastStep = this.goBackwards ? 0 : timesteps - 1;
    const stepOffset = this.returnSequences ? 0 : lastStep * ctx.batch * nu;
    const uOffset = input.offset + stepOffset;
    const dims: ConcatInputDims = {
      rows: reservoir.rows,
      nu,
      nx: this.units,
      ...(this.returnSequences && this.goBackwards ? { reverseBatch: ctx.batch } : {}),
    };
    const bufs = new RunBuffers(ctx.rt, `${this.where} with its input`);
    const out = bufs.make('[u; x] rows', reservoir.rows * (nu + this.units));
    const dState = ctx.grads ? bufs.make("the states' gradient", reservoir.rows * this.units) : null;
    return {
      output: { ...reservoir, buffer: out, offset: 0, cols: nu + this.units },
      recordForward(plan, training) {
        run.recordForward(plan, training);
        recordConcatInput(plan, { u: input.buffer, uOffset, x: reservoir.buffer, xOffset: reservoir.offset, out }, dims);
      },
      recordBackward(plan, dOutput) {
        if (!dState) throw new Error('recordBackward on an inference-only run');
        recordSplitStateGrad(plan, { dOut: dOutput, dState }, dims);
        const dx = run.recordBackward(plan, dState);
        // dx is compact from row 0: the last step's rows sit at lastStep · batch.
        if (dx) recordAddInputGrad(plan, { dOut: dOutput, dU: dx, duOffset: stepOffset }, dims);
        return dx;
      },
      destroy() {
        run.destroy();
        bufs.destroy();
      },
    };
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
      include_input: this.includeInput,
    };
  }

  /** The reservoir's spectral radius now, measured by power iteration (ops/spectralRadius.ts: on the GPU, or the host on wasm). */
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
