/**
 * What a user may pass as `kernelInitializer`, `recurrentInitializer`, `biasInitializer` or
 * `embeddingsInitializer`, read into an Initializer (src/layers/initializers.ts):
 *
 * - a name, in TF.js's or Keras's spelling: 'glorotNormal', 'glorot_normal', 'GlorotNormal', 'heUniform', 'zeros' …
 * - `{ className, config }` (or Keras's `{ class_name, config }`), as `initializers.glorotNormal({ seed: 1 })`
 *   returns and as Keras's JSON writes it, with Keras's snake_case or TF.js's camelCase option names;
 * - a TF.js initializer object (`tf.initializers.heNormal({ seed: 1 })`): anything with `getClassName()` and
 *   `getConfig()`, read through those two, so ported code passes its initializers unchanged.
 *
 * Anything else, an unknown name or an unknown option is a ValueError naming the layer, the option and what is
 * accepted: an initializer is never silently replaced by the default.
 */
import { ValueError } from '../errors';
import type { FanMode, Initializer, ScalingDistribution } from './initializers';

/** What `initializers.*` return and Keras's JSON holds. */
export interface InitializerConfig {
  className: string;
  config?: Record<string, unknown>;
}

/** A TF.js initializer object, read through its serialization methods. */
export interface TfjsInitializerLike {
  getClassName(): string;
  getConfig(): Record<string, unknown>;
}

export type InitializerName =
  | 'zeros'
  | 'ones'
  | 'constant'
  | 'identity'
  | 'orthogonal'
  | 'randomUniform'
  | 'randomNormal'
  | 'truncatedNormal'
  | 'varianceScaling'
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heUniform'
  | 'heNormal'
  | 'leCunUniform'
  | 'leCunNormal';

export type InitializerSpec = InitializerName | InitializerConfig | TfjsInitializerLike;

type Options = Record<string, unknown>;
type Reader = (o: OptionReader) => Initializer;

/** Reads one initializer's options, accepting Keras's and TF.js's spellings and refusing the rest. */
class OptionReader {
  private readonly used = new Set<string>();
  constructor(
    private readonly where: string,
    private readonly options: Options,
  ) {}

  number(name: string, fallback: number, check: (v: number) => boolean = Number.isFinite, expected = 'a finite number'): number {
    const value = this.take(name);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !check(value)) throw new ValueError(`${this.where}: ${name} must be ${expected}; got ${JSON.stringify(value)}`);
    return value;
  }

  /** One of `options` (TF.js's names; Keras's snake_case spelling of them matches too). */
  choice<T extends string>(name: string, fallback: T, options: Record<string, T>): T {
    const value = this.take(name);
    if (value === undefined || value === null) return fallback;
    const key = typeof value === 'string' ? Object.keys(options).find((k) => squash(k) === squash(value)) : undefined;
    if (!key)
      throw new ValueError(`${this.where}: ${name} must be one of ${Object.keys(options).join(', ')} (or Keras's snake_case); got ${JSON.stringify(value)}`);
    return options[key]!;
  }

  /** Keras's and TF.js's `seed`: an integer, or null for none. */
  seed(): { seed?: number } {
    const seed = this.number('seed', Number.NaN, Number.isInteger, 'an integer or null');
    return Number.isNaN(seed) ? {} : { seed };
  }

  /** Throws on options no reader took, naming those it knows. */
  done(known: string[]): void {
    const unknown = Object.keys(this.options).filter((k) => !this.used.has(k) && this.options[k] !== undefined);
    if (unknown.length > 0) {
      throw new ValueError(`${this.where}: unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; options are ${known.join(', ') || 'none'}`);
    }
  }

  /** Keras's snake_case and TF.js's camelCase name the same option ('fan_in' and 'fanIn' the same mode). */
  private take(name: string): unknown {
    for (const key of Object.keys(this.options)) {
      if (squash(key) === squash(name)) {
        this.used.add(key);
        return this.options[key];
      }
    }
    return undefined;
  }
}

/** 'glorot_normal', 'glorotNormal' and 'GlorotNormal' are one name. */
const squash = (s: string) => s.replace(/_/g, '').toLowerCase();

const MODES: Record<string, FanMode> = { fanIn: 'fanIn', fanOut: 'fanOut', fanAvg: 'fanAvg' };
// 'normal' is Keras 2's and TF.js's name for the truncated normal.
const DISTRIBUTIONS: Record<string, ScalingDistribution> = {
  uniform: 'uniform',
  truncatedNormal: 'truncatedNormal',
  normal: 'truncatedNormal',
  untruncatedNormal: 'untruncatedNormal',
};

/**
 * Variance scaling with these defaults: the Glorot, He and LeCun presets. TF.js's getConfig() of a preset lists
 * its scale, mode and distribution too, so those are read (and honoured) as well as the seed.
 */
const scaled =
  (scale: number, mode: FanMode, distribution: ScalingDistribution): Reader =>
  (o) => ({
    kind: 'varianceScaling',
    scale: o.number('scale', scale, (v) => v > 0 && Number.isFinite(v), 'a positive number'),
    mode: o.choice('mode', mode, MODES),
    distribution: o.choice('distribution', distribution, DISTRIBUTIONS),
    ...o.seed(),
  });
const SCALING_OPTIONS = ['scale', 'mode', 'distribution', 'seed'];

/** Each initializer: how it reads its options, and their names for the error message. */
const READERS: Record<InitializerName, { read: Reader; options: string[] }> = {
  zeros: { read: () => ({ kind: 'zeros' }), options: [] },
  ones: { read: () => ({ kind: 'ones' }), options: [] },
  constant: { read: (o) => ({ kind: 'constant', value: o.number('value', 0) }), options: ['value'] },
  identity: { read: (o) => ({ kind: 'identity', gain: o.number('gain', 1) }), options: ['gain'] },
  orthogonal: { read: (o) => ({ kind: 'orthogonal', gain: o.number('gain', 1), ...o.seed() }), options: ['gain', 'seed'] },
  randomUniform: {
    read: (o) => {
      const min = o.number('minval', -0.05);
      const max = o.number('maxval', 0.05);
      return { kind: 'randomUniform', min, max, ...o.seed() };
    },
    options: ['minval', 'maxval', 'seed'],
  },
  randomNormal: {
    read: (o) => ({ kind: 'randomNormal', mean: o.number('mean', 0), stddev: positiveStd(o), ...o.seed() }),
    options: ['mean', 'stddev', 'seed'],
  },
  truncatedNormal: {
    read: (o) => ({ kind: 'truncatedNormal', mean: o.number('mean', 0), stddev: positiveStd(o), ...o.seed() }),
    options: ['mean', 'stddev', 'seed'],
  },
  varianceScaling: { read: scaled(1, 'fanIn', 'truncatedNormal'), options: SCALING_OPTIONS },
  glorotUniform: { read: scaled(1, 'fanAvg', 'uniform'), options: SCALING_OPTIONS },
  glorotNormal: { read: scaled(1, 'fanAvg', 'truncatedNormal'), options: SCALING_OPTIONS },
  heUniform: { read: scaled(2, 'fanIn', 'uniform'), options: SCALING_OPTIONS },
  heNormal: { read: scaled(2, 'fanIn', 'truncatedNormal'), options: SCALING_OPTIONS },
  leCunUniform: { read: scaled(1, 'fanIn', 'uniform'), options: SCALING_OPTIONS },
  leCunNormal: { read: scaled(1, 'fanIn', 'truncatedNormal'), options: SCALING_OPTIONS },
};

function positiveStd(o: OptionReader): number {
  return o.number('stddev', 0.05, (v) => v > 0 && Number.isFinite(v), 'a positive number');
}

const NAMES = Object.keys(READERS) as InitializerName[];
const BY_SQUASHED = new Map<string, InitializerName>(NAMES.map((n) => [squash(n), n]));
// Keras's and TF.js's other class names for the same initializers.
for (const [alias, name] of [
  ['zero', 'zeros'],
  ['one', 'ones'],
  ['identityinitializer', 'identity'],
  ['uniform', 'randomUniform'],
  ['normal', 'randomNormal'],
] as const)
  BY_SQUASHED.set(alias, name);

const isTfjsInitializer = (v: object): v is TfjsInitializerLike =>
  typeof (v as TfjsInitializerLike).getClassName === 'function' && typeof (v as TfjsInitializerLike).getConfig === 'function';

/**
 * `value` as given for `option` of the layer `where`; undefined or null gives `fallback` (the layer's Keras
 * default). The initializer comes back with its options resolved and checked.
 */
export function readInitializer(where: string, option: string, value: unknown, fallback: Initializer): Initializer {
  if (value === undefined || value === null) return fallback;
  const expected = `a name such as 'glorotNormal', { className, config } or a TF.js initializer`;
  let className: string;
  let options: Options = {};
  if (typeof value === 'string') className = value;
  else if (typeof value === 'object' && isTfjsInitializer(value)) {
    className = value.getClassName();
    options = { ...value.getConfig() };
  } else if (typeof value === 'object' && !Array.isArray(value)) {
    // Keras 3 also writes module and registered_name beside class_name: where the class lives, not what it does.
    const { className: camel, class_name: snake, config, module: _module, registered_name: _registered, ...rest } = value as Record<string, unknown>;
    const name = camel ?? snake;
    if (typeof name !== 'string' || Object.keys(rest).length > 0 || (config !== undefined && (typeof config !== 'object' || config === null))) {
      throw new ValueError(`${where}: ${option} must be ${expected}; got ${JSON.stringify(value)}`);
    }
    className = name;
    options = { ...(config as Options) };
  } else {
    throw new ValueError(`${where}: ${option} must be ${expected}; got ${JSON.stringify(value)}`);
  }
  const name = BY_SQUASHED.get(squash(className));
  if (!name) throw new ValueError(`${where}: ${option} ${JSON.stringify(className)} is not an initializer webrnn knows; known: ${NAMES.join(', ')}`);
  const reader = new OptionReader(`${where}: ${option} '${name}'`, options);
  const init = READERS[name].read(reader);
  reader.done(READERS[name].options);
  return init;
}
