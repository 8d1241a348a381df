/**
 * Optimizer configurations, Keras-shaped: `optimizers.adam({ learningRate: 0.01 })` returns a plain, frozen
 * object with every default filled in, validated once here so the GPU never sees a NaN hyperparameter.
 * The GPU side is src/kernels/optimizers.ts (shaders/optimizers.wgsl); the float64 twin is
 * src/reference/optimizers.ts.
 */
import { ValueError } from '../errors';

/** Keras's gradient clipping options. At most one may be set (Keras would silently ignore all but one). */
export interface GradientClipOptions {
  /** Rescale EACH gradient tensor separately to L2 norm ≤ clipNorm (Keras `clipnorm`). */
  clipNorm?: number;
  /** Rescale all gradients together by min(1, globalClipNorm / global L2 norm) (Keras `global_clipnorm`). */
  globalClipNorm?: number;
  /** Clamp every gradient element into [−clipValue, clipValue] (Keras `clipvalue`). */
  clipValue?: number;
}

export interface AdamOptions extends GradientClipOptions {
  /** Default 0.001. */
  learningRate?: number;
  /** Decay of the first-moment average, in [0, 1); default 0.9 (Keras `beta_1`). */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1); default 0.999 (Keras `beta_2`). */
  beta2?: number;
  /** Added to sqrt(v) ("epsilon hat"); default 1e-7. */
  epsilon?: number;
}

export interface SgdOptions extends GradientClipOptions {
  /** Default 0.01. */
  learningRate?: number;
  /** In [0, 1]; default 0 (plain gradient descent, no momentum slot). */
  momentum?: number;
  /** Default false. */
  nesterov?: boolean;
}

export interface RmspropOptions extends GradientClipOptions {
  /** Default 0.001. */
  learningRate?: number;
  /** Decay of the squared-gradient average, in [0, 1]; default 0.9. */
  rho?: number;
  /** In [0, 1]; default 0 (no momentum slot). */
  momentum?: number;
  /** Added to the mean square inside the square root; default 1e-7. */
  epsilon?: number;
  /** Divide by the estimated variance instead of the uncentered second moment; default false. */
  centered?: boolean;
}

type Resolved<T> = Readonly<Required<Omit<T, keyof GradientClipOptions>> & GradientClipOptions>;
export type AdamConfig = Resolved<AdamOptions> & { readonly kind: 'adam' };
export type SgdConfig = Resolved<SgdOptions> & { readonly kind: 'sgd' };
export type RmspropConfig = Resolved<RmspropOptions> & { readonly kind: 'rmsprop' };
export type OptimizerConfig = AdamConfig | SgdConfig | RmspropConfig;
export type OptimizerName = OptimizerConfig['kind'];

const CLIP_KEYS = ['clipNorm', 'globalClipNorm', 'clipValue'] as const;
const KNOWN = {
  adam: ['learningRate', 'beta1', 'beta2', 'epsilon'],
  sgd: ['learningRate', 'momentum', 'nesterov'],
  rmsprop: ['learningRate', 'rho', 'momentum', 'epsilon', 'centered'],
} as const;

interface Range {
  min: number;
  max?: number;
  /** The upper bound itself is not allowed. */
  maxOpen?: boolean;
}

function describe(range: Range): string {
  if (range.max === undefined) return `a finite number ≥ ${range.min}`;
  return `a number in [${range.min}, ${range.max}${range.maxOpen ? ')' : ']'}`;
}

function num(kind: string, option: string, value: unknown, fallback: number, range: Range): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= range.min &&
    (range.max === undefined || (range.maxOpen ? value < range.max : value <= range.max));
  if (!ok) throw new ValueError(`${kind}: ${option} must be ${describe(range)}; got ${String(value)}`);
  return value as number;
}

function bool(kind: string, option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ValueError(`${kind}: ${option} must be true or false; got ${JSON.stringify(value)}`);
  return value;
}

/**
 * TF.js's positional forms, by position: `tf.train.adam(learningRate, beta1, beta2, epsilon)`,
 * `tf.train.sgd(learningRate)`, `tf.train.rmsprop(learningRate, decay, momentum, epsilon, centered)` (TF.js's
 * `decay` is Keras's `rho`; a null epsilon means the default, as there).
 */
const POSITIONAL = {
  adam: ['learningRate', 'beta1', 'beta2', 'epsilon'],
  sgd: ['learningRate'],
  rmsprop: ['learningRate', 'rho', 'momentum', 'epsilon', 'centered'],
} as const;

/**
 * The options object of a factory called either way: Keras-style with one options object, or TF.js-style with a
 * positional learning rate (and what follows it). Anything else is refused, never ignored: a learning rate that
 * silently fell back to the default would train a different model.
 */
function optionsOf(kind: OptimizerName, args: readonly unknown[]): Record<string, unknown> {
  const [first, ...rest] = args;
  if (first === undefined && rest.length === 0) return {};
  if (typeof first === 'number') {
    const names = POSITIONAL[kind];
    if (args.length > names.length)
      throw new ValueError(`${kind}: takes at most ${names.length} positional arguments (${names.join(', ')}); got ${args.length}`);
    const options: Record<string, unknown> = {};
    args.forEach((v, i) => {
      if (v !== undefined && v !== null) options[names[i]!] = v;
    });
    return options;
  }
  if (typeof first === 'object' && first !== null && !Array.isArray(first) && rest.length === 0) return first as Record<string, unknown>;
  throw new ValueError(
    `${kind}: expected an options object ({ learningRate: 0.01 }) or a learning rate (${kind}(0.01), as TF.js's tf.train.${kind}); got ${args.map((a) => JSON.stringify(a) ?? String(a)).join(', ')}`,
  );
}

function checkKeys(kind: OptimizerName, options: object): void {
  const known: readonly string[] = [...KNOWN[kind], ...CLIP_KEYS];
  for (const key of Object.keys(options)) {
    if (key === 'kind') continue;
    if (!known.includes(key)) throw new ValueError(`${kind}: unknown option '${key}'; known options are ${known.join(', ')}`);
  }
}

function clipping(kind: string, options: GradientClipOptions): GradientClipOptions {
  const out: GradientClipOptions = {};
  for (const key of CLIP_KEYS) {
    const v = options[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ValueError(`${kind}: ${key} must be a finite number > 0; got ${String(v)}`);
    out[key] = v;
  }
  const set = Object.keys(out);
  if (set.length > 1) throw new ValueError(`${kind}: set at most one of clipNorm, globalClipNorm, clipValue; got ${set.join(' and ')}`);
  return out;
}

const UNIT = { min: 0, max: 1 };
const UNIT_OPEN = { min: 0, max: 1, maxOpen: true };
const NON_NEGATIVE = { min: 0 };

export const optimizers = {
  /** Adam with Keras defaults: lr 0.001, β1 0.9, β2 0.999, ε 1e-7. `adam({ learningRate: 0.01 })` or TF.js's `adam(0.01)`. */
  adam(...args: [options?: AdamOptions] | [learningRate?: number, beta1?: number, beta2?: number, epsilon?: number]): AdamConfig {
    const options = optionsOf('adam', args) as AdamOptions;
    checkKeys('adam', options);
    return Object.freeze({
      kind: 'adam',
      learningRate: num('adam', 'learningRate', options.learningRate, 0.001, NON_NEGATIVE),
      beta1: num('adam', 'beta1', options.beta1, 0.9, UNIT_OPEN),
      beta2: num('adam', 'beta2', options.beta2, 0.999, UNIT_OPEN),
      epsilon: num('adam', 'epsilon', options.epsilon, 1e-7, NON_NEGATIVE),
      ...clipping('adam', options),
    });
  },
  /** SGD with Keras defaults: lr 0.01, momentum 0, nesterov false. `sgd({ learningRate: 0.1 })` or TF.js's `sgd(0.1)`. */
  sgd(...args: [options?: SgdOptions] | [learningRate?: number]): SgdConfig {
    const options = optionsOf('sgd', args) as SgdOptions;
    checkKeys('sgd', options);
    return Object.freeze({
      kind: 'sgd',
      learningRate: num('sgd', 'learningRate', options.learningRate, 0.01, NON_NEGATIVE),
      momentum: num('sgd', 'momentum', options.momentum, 0, UNIT),
      nesterov: bool('sgd', 'nesterov', options.nesterov, false),
      ...clipping('sgd', options),
    });
  },
  /**
   * RMSprop with Keras defaults: lr 0.001, ρ 0.9, momentum 0, ε 1e-7, centered false. `rmsprop({ learningRate: 0.01 })`
   * or TF.js's `rmsprop(0.01, decay, momentum, epsilon, centered)`.
   */
  rmsprop(
    ...args: [options?: RmspropOptions] | [learningRate?: number, decay?: number, momentum?: number, epsilon?: number | null, centered?: boolean]
  ): RmspropConfig {
    const options = optionsOf('rmsprop', args) as RmspropOptions;
    checkKeys('rmsprop', options);
    return Object.freeze({
      kind: 'rmsprop',
      learningRate: num('rmsprop', 'learningRate', options.learningRate, 0.001, NON_NEGATIVE),
      rho: num('rmsprop', 'rho', options.rho, 0.9, UNIT),
      momentum: num('rmsprop', 'momentum', options.momentum, 0, UNIT),
      epsilon: num('rmsprop', 'epsilon', options.epsilon, 1e-7, NON_NEGATIVE),
      centered: bool('rmsprop', 'centered', options.centered, false),
      ...clipping('rmsprop', options),
    });
  },
};

export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['adam', 'sgd', 'rmsprop'];

/**
 * What `compile({ optimizer })` accepts: a name ('adam', 'sgd', 'rmsprop', any letter case, so Keras's
 * 'Adam' and 'RMSprop' work) for the defaults, or a config (from `optimizers.*`, or a plain object with a
 * `kind`), which is validated again. Anything else is a ValueError listing the known names.
 */
export function resolveOptimizer(spec: string | OptimizerConfig | ({ kind: string } & Record<string, unknown>)): OptimizerConfig {
  const known = OPTIMIZER_NAMES.map((n) => `'${n}'`).join(', ');
  if (typeof spec === 'string') {
    const name = spec.toLowerCase() as OptimizerName;
    if (!OPTIMIZER_NAMES.includes(name)) throw new ValueError(`Unknown optimizer '${spec}'; known optimizers are ${known}`);
    return optimizers[name]();
  }
  if (typeof spec !== 'object' || spec === null || typeof spec.kind !== 'string') {
    throw new ValueError(`optimizer must be one of ${known} or a config from optimizers.adam()/sgd()/rmsprop(); got ${JSON.stringify(spec)}`);
  }
  const name = spec.kind as OptimizerName;
  if (!OPTIMIZER_NAMES.includes(name)) throw new ValueError(`Unknown optimizer kind '${spec.kind}'; known optimizers are ${known}`);
  return (optimizers[name] as (options: object) => OptimizerConfig)(spec);
}
