/**
 * `layers.dropout` and `layers.spatialDropout1d`: Keras's inverted dropout. While `fit` trains, each element
 * (or each group sharing a mask, by `noiseShape`) is zeroed with probability `rate` and the rest are scaled by
 * 1/(1 − rate); in `predict`, `evaluate` and validation the layer passes its input through unchanged. Kernels and
 * the random draw: src/kernels/dropout.ts, shaders/dropout.wgsl.
 *
 * The mask comes from a counter-based hash of (seed, step, element): `seed` (else one derived from the model's
 * seed and the layer's place), and a step counter on the GPU that advances once per training batch, so a
 * model built with the same seed draws the same masks. The model keeps one counter per batch size (shared by that
 * size's programs of every window length, src/model/timeWindow.ts) and the batch size is mixed into the seed (a
 * last, smaller batch draws masks of its own); the model mixes in how
 * many times it was compiled (src/model/sequential.ts), so a model compiled again, whose counters start over,
 * does not replay the masks it drew before.
 */
import { ShapeError, ValueError } from '../errors';
import type { Plan } from '../gpu/plan';
import { recordDropoutBackward, recordDropoutForward, type DropoutConfig, type NoiseAxes } from '../kernels/dropout';
import { defaultName, inputSpec, knownKeys } from './config';
import { Layer, RunBuffers, type Act, type BindContext, type LayerRun, type ParamSpec } from './layer';

export interface DropoutLayerConfig {
  /** The fraction of inputs zeroed while training, in [0, 1). */
  rate: number;
  /**
   * Keras noise_shape, batch axis first: [batch, timesteps, features] for a sequence, [batch, features] for a
   * vector. A 1 shares one mask along that axis; null (or the axis's size) draws one per element.
   */
  noiseShape?: (number | null)[] | null;
  /** The mask's seed; default: from the model's seed and the layer's place in it. */
  seed?: number | null;
  inputShape?: number[];
  batchInputShape?: number[];
  batchSize?: number;
  name?: string;
}

const KEYS = ['rate', 'noiseShape', 'seed', 'inputShape', 'batchInputShape', 'batchSize', 'name'] as const;

/** The seed of one training program's masks: the layer's seed and the program's batch size. */
export function maskSeed(seed: number, batch: number): number {
  return (seed ^ Math.imul(batch, 0x2545f491)) >>> 0;
}

export class Dropout extends Layer {
  readonly className: string = 'Dropout';
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;
  readonly seed: number | null;

  private readonly where: string;

  constructor(given: DropoutLayerConfig, factory = 'dropout', prefix = 'dropout') {
    const config = given ?? ({} as DropoutLayerConfig);
    const name = config.name ?? defaultName(prefix);
    const where = `${factory} '${name}'`;
    knownKeys(where, config, KEYS);
    const input = inputSpec(where, config);
    super(name, input.shape, input.batchSize);
    this.where = where;
    const rate: unknown = config.rate;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ValueError(`${where}: rate must be a number in [0, 1); got ${JSON.stringify(rate)}`);
    this.rate = rate;
    const noise: unknown = config.noiseShape ?? null;
    if (noise !== null && (!Array.isArray(noise) || !noise.every((d) => d === null || (Number.isInteger(d) && d >= 1)))) {
      throw new ValueError(
        `${where}: noiseShape must be a list of positive integers or nulls, batch axis first, such as [null, 1, 8]; got ${JSON.stringify(noise)}`,
      );
    }
    this.noiseShape = noise === null ? null : [...(noise as (number | null)[])];
    const seed: unknown = config.seed ?? null;
    if (seed !== null && !Number.isInteger(seed)) throw new ValueError(`${where}: seed must be an integer; got ${JSON.stringify(seed)}`);
    this.seed = seed as number | null;
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    if (this.noiseShape) {
      const full = [null, ...inputShape];
      const fits = this.noiseShape.length === full.length && this.noiseShape.every((d, i) => d === null || d === 1 || i === 0 || d === full[i]);
      if (!fits) {
        throw new ShapeError(
          `${this.where}: noiseShape must have one entry per axis of [batch, ${inputShape.join(', ')}], each 1, null or the axis's size; got ${JSON.stringify(this.noiseShape)}`,
        );
      }
    }
    return [...inputShape];
  }

  paramSpecs(): ParamSpec[] {
    return [];
  }

  /** Which axes draw their own mask: the noise shape read against [batch, (timesteps,) features]. */
  noiseAxes(sequence: boolean): NoiseAxes {
    const n = this.noiseShape;
    const own = (axis: number) => !n || n[axis] !== 1;
    return sequence ? { batch: own(0), timesteps: own(1), features: own(2) } : { batch: own(0), timesteps: false, features: own(1) };
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, rate: this.rate, noise_shape: this.noiseShape, seed: this.seed };
  }

  /** Keras: the mask passes through unchanged (the layer keeps the time axis). */
  override outputMasked(inputMasked: boolean): boolean {
    return inputMasked;
  }

  /** Each step's elements draw their own keys: leaving steps out changes which draw an element gets, not its odds. */
  override get skipsMaskedSteps(): boolean {
    return true;
  }

  bind(ctx: BindContext, input: Act): LayerRun {
    // Inference programs: the input is the output; nothing runs.
    if (!ctx.grads) return { output: input, recordForward() {}, recordBackward: () => null, destroy() {} };
    const bufs = new RunBuffers(ctx.rt, `${this.className} '${this.name}'`);
    const pass = dropoutPass(
      ctx,
      input,
      { rate: this.rate, seed: maskSeed(this.seed ?? ctx.seed ?? 0, ctx.batch), noise: this.noiseAxes(input.timesteps !== null) },
      bufs,
      'dropout',
    );
    return { ...pass, recordForward: (plan, training = false) => pass.recordForward(plan, training), destroy: () => bufs.destroy() };
  }
}

/** A dropout pass bound in a training program: its output, forward (masked or copied) and backward. */
export interface DropoutPass {
  output: Act;
  /** training: y = x · a fresh mask; otherwise (evaluate, validation in the same program) y = x. */
  recordForward(plan: Plan, training: boolean): void;
  /** dx = dy · the mask; null when the layer below needs no gradient. */
  recordBackward(plan: Plan, dy: GPUBuffer): GPUBuffer | null;
}

/**
 * The buffers and dispatches of one dropout pass over `input`, made in `bufs`: what the Dropout layers bind and
 * what a recurrent layer puts before its cell for its input dropout (src/layers/recurrent.ts).
 */
export function dropoutPass(ctx: BindContext, input: Act, config: DropoutConfig, bufs: RunBuffers, stream: string): DropoutPass {
  const dims = { rows: input.rows, cols: input.cols, batch: ctx.batch };
  const floats = input.rows * input.cols;
  const y = bufs.make('after dropout', floats);
  const scale = bufs.make('dropout mask scale', floats);
  const step = ctx.randomCounter?.(stream) ?? bufs.zeros('dropout mask step counter', 1);
  const dx = ctx.needsInputGrad ? bufs.make('dx through the dropout mask', floats) : null;
  return {
    output: { buffer: y, offset: 0, rows: input.rows, cols: input.cols, timesteps: input.timesteps, mask: input.mask ?? null },
    recordForward(plan, training) {
      if (training) recordDropoutForward(plan, { step, x: input.buffer, xOffset: input.offset, scale, y }, dims, config);
      else plan.copy(input.buffer, y, floats, input.offset, 0);
    },
    recordBackward(plan, dy) {
      if (dx) recordDropoutBackward(plan, { scale, dy, dx }, dims, config);
      return dx;
    },
  };
}

/** Keras's SpatialDropout1D: one mask per sequence and feature, shared by every timestep. */
export class SpatialDropout1D extends Dropout {
  override readonly className: string = 'SpatialDropout1D';

  constructor(config: Omit<DropoutLayerConfig, 'noiseShape'>) {
    if (config && 'noiseShape' in config) {
      throw new ValueError(`spatialDropout1d: noiseShape is fixed (one mask per sequence and feature); leave it out, or use layers.dropout with a noiseShape`);
    }
    super({ ...config, noiseShape: null }, 'spatialDropout1d', 'spatial_dropout1d');
  }

  protected override computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 2) {
      throw new ShapeError(`spatialDropout1d '${this.name}' expects input [batch, timesteps, features]; got [batch, ${inputShape.join(', ')}]`);
    }
    return [...inputShape];
  }

  override noiseAxes(): NoiseAxes {
    return { batch: true, timesteps: false, features: true };
  }

  override getConfig(): Record<string, unknown> {
    return { name: this.name, rate: this.rate, seed: this.seed };
  }
}
