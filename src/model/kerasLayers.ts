/**
 * Keras/TF.js layer configs ⇄ webrnn layers: the `modelTopology` of a layers-model model.json. Writing uses each
 * layer's getConfig() (Keras snake_case, as tfjs-layers writes it) plus what only the model knows (the input
 * shape, regularizers kept outside getConfig); reading is a registry of fromConfig functions by class_name.
 *
 * Reading is strict about what changes the forward pass (an activation webrnn lacks,
 * time_major, constraints and activity regularizers): each is a ModelFormatError naming the file,
 * the layer and its class. Options that only shape training or initialization are taken as inference no-ops
 * and listed in the README: initializers are ignored (dropout and recurrent_dropout are read). Dropout and
 * SpatialDropout1D are layers (a no-op in predict, a mask in fit).
 */
import { ModelFormatError, ValueError } from '../errors';
import type { JsonObject } from '../io/types';
import {
  Bidirectional,
  Dense,
  Dropout,
  Embedding,
  Masking,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  GRU,
  LSTM,
  Layer,
  RecurrentLayer,
  RepeatVector,
  SimpleRNN,
  SRU,
  EchoState,
  SpatialDropout1D,
  TimeDistributed,
  LayerNormalization,
  Concatenate,
  Add,
  Multiply,
  Average,
  Dot,
  Activation,
  Attention,
  AdditiveAttention,
} from '../layers/index';
import type { RegularizerConfig } from '../layers/layer';

type Config = Record<string, unknown>;
const isObject = (v: unknown): v is Config => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the layers-model topology of a Sequential holds, as tfjs-layers 4 writes it. */
export function sequentialTopology(name: string, layers: readonly Layer[]): JsonObject {
  return {
    class_name: 'Sequential',
    config: { name, layers: layers.map((l, i) => layerEntry(l, i === 0)) },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'webrnn',
  };
}

function kerasRegularizer(r: RegularizerConfig | null | undefined): JsonObject | null {
  return r ? { class_name: 'L1L2', config: { l1: r.l1 ?? 0, l2: r.l2 ?? 0 } } : null;
}

export function layerEntry(layer: Layer, first: boolean): JsonObject {
  // A layer whose weights never train (EchoState) says trainable: false in its own config.
  const config: Config = { trainable: true, ...layer.getConfig(), dtype: 'float32' };
  const regs = (layer as { regularizers?: Record<string, RegularizerConfig | null> }).regularizers;
  if (regs) for (const [k, r] of Object.entries(regs)) config[`${k}_regularizer`] ??= kerasRegularizer(r);
  if (layer instanceof Bidirectional || layer instanceof TimeDistributed) {
    const inner = config.layer as { class_name: string; config: Config };
    const innerRegs = layer instanceof Bidirectional ? layer.forwardLayer.regularizers : layer.layer.regularizers;
    for (const [k, r] of Object.entries(innerRegs)) inner.config[`${k}_regularizer`] ??= kerasRegularizer(r);
  }
  // Keras 3's SpatialDropout1D takes rate, seed, name and dtype only: a `trainable` key would fail its from_config.
  if (layer.className === 'SpatialDropout1D') delete config.trainable;
  if (first && layer.declaredInputShape) config.batch_input_shape = [layer.declaredBatchSize, ...layer.declaredInputShape];
  return { class_name: layer.className, config };
}

/** Reads one layer config, naming the file, layer and class in every error. */
class Reader {
  constructor(
    readonly file: string,
    readonly className: string,
    readonly config: Config,
    readonly kerasVersion: string,
  ) {}

  get name(): string {
    return typeof this.config.name === 'string' ? this.config.name : '(unnamed)';
  }

  fail(detail: string): ModelFormatError {
    return new ModelFormatError(`${this.file}: layer '${this.name}' (${this.className}): ${detail}`);
  }

  /** A value that must be absent or null (constraints, activity regularizers). */
  none(key: string, why: string): void {
    if (this.config[key] !== undefined && this.config[key] !== null)
      throw this.fail(`${key} ${JSON.stringify(this.config[key])} is not supported (${why}); remove it and re-save the model`);
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.config[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') throw this.fail(`${key} must be true or false; got ${JSON.stringify(v)}`);
    return v;
  }

  /** A bool that webrnn supports only with one value. */
  only(key: string, value: boolean, fallback: boolean, what: string): void {
    if (this.bool(key, fallback) !== value) throw this.fail(`${key}: ${!value} is not supported: ${what}`);
  }

  int(key: string): number {
    const v = this.config[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw this.fail(`${key} must be a positive integer; got ${JSON.stringify(v)}`);
    return v;
  }

  activation(key: string, allowed: readonly string[], fallback: string): string {
    const v = this.config[key] ?? fallback;
    const name = typeof v === 'string' ? v : isObject(v) && typeof v.class_name === 'string' ? v.class_name : v;
    const mapped = name === 'hard_sigmoid' ? 'hardSigmoid' : name;
    if (mapped === 'hardSigmoid' && /^3\./.test(this.kerasVersion)) {
      throw this.fail(
        `${key} hard_sigmoid from Keras ${this.kerasVersion} is relu6(x + 3)/6, not the 0.2·x + 0.5 of Keras 2 and TF.js that webrnn computes; use 'sigmoid'`,
      );
    }
    if (typeof mapped !== 'string' || !allowed.includes(mapped))
      throw this.fail(`${key} ${JSON.stringify(v)} is not supported; webrnn has ${allowed.join(', ')}`);
    return mapped;
  }

  regularizer(key: string): RegularizerConfig | undefined {
    const v = this.config[key];
    if (v === undefined || v === null) return undefined;
    const cls = isObject(v) ? v.class_name : undefined;
    const c = isObject(v) && isObject(v.config) ? v.config : {};
    const num = (x: unknown) => (typeof x === 'number' ? x : 0);
    if (cls === 'L1L2') return { l1: num(c.l1), l2: num(c.l2) };
    if (cls === 'L1') return { l1: num(c.l1) };
    if (cls === 'L2') return { l2: num(c.l2) };
    throw this.fail(`${key} ${JSON.stringify(v)} is not supported; webrnn has L1, L2 and L1L2`);
  }

  /** The sample shape from batch_input_shape (Keras 2, TF.js) or batch_shape (Keras 3), and the batch size. */
  input(): { inputShape?: number[]; batchSize?: number } {
    const full = this.config.batch_input_shape ?? this.config.batch_shape;
    if (full === undefined || full === null) return {};
    if (
      !Array.isArray(full) ||
      full.length < 2 ||
      !full.slice(1).every((d) => Number.isInteger(d) && d >= 1) ||
      !(full[0] === null || (Number.isInteger(full[0]) && full[0] >= 1))
    ) {
      throw this.fail(`batch_input_shape must be [batch or null, ...positive sizes]; got ${JSON.stringify(full)} (webrnn needs fixed timesteps and features)`);
    }
    return { inputShape: full.slice(1), ...(full[0] !== null ? { batchSize: full[0] } : {}) };
  }
}

const CELL_ACTIVATIONS = ['tanh', 'relu', 'sigmoid', 'linear'];
const GATE_ACTIVATIONS = ['sigmoid', 'hardSigmoid'];
const DENSE_ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'softmax'];

/** The options of every recurrent layer, camelCase, checked. */
function recurrentOptions(r: Reader) {
  r.only('time_major', false, false, 'inputs are [batch, timesteps, features]');
  for (const k of ['kernel_constraint', 'recurrent_constraint', 'bias_constraint']) r.none(k, 'webrnn has no weight constraints');
  r.none('activity_regularizer', 'webrnn regularizes weights only');
  const regs = {
    kernelRegularizer: r.regularizer('kernel_regularizer'),
    recurrentRegularizer: r.regularizer('recurrent_regularizer'),
    biasRegularizer: r.regularizer('bias_regularizer'),
  };
  return {
    name: r.name,
    units: r.int('units'),
    activation: r.activation('activation', CELL_ACTIVATIONS, 'tanh') as never,
    returnSequences: r.bool('return_sequences', false),
    returnState: r.bool('return_state', false),
    goBackwards: r.bool('go_backwards', false),
    stateful: r.bool('stateful', false),
    useBias: r.bool('use_bias', true),
    dropout: dropoutRate(r, 'dropout'),
    recurrentDropout: dropoutRate(r, 'recurrent_dropout'),
    ...Object.fromEntries(Object.entries(regs).filter(([, v]) => v !== undefined)),
    ...r.input(),
  };
}

type FromConfig = (r: Reader, read: (cls: string, config: Config) => Layer | null) => Layer | null;

/** Keras class_name → webrnn layer. null: a layer that is a no-op at inference (skipped). */
export const LAYER_FROM_CONFIG: Record<string, FromConfig> = {
  LSTM: (r) =>
    new LSTM({
      ...recurrentOptions(r),
      recurrentActivation: r.activation('recurrent_activation', GATE_ACTIVATIONS, 'sigmoid') as never,
      unitForgetBias: r.bool('unit_forget_bias', true),
    }),
  // Keras 2.x defaults to reset_after true, Keras 1 and TF.js to false: a config without the key is TF.js's.
  GRU: (r) =>
    new GRU({
      ...recurrentOptions(r),
      recurrentActivation: r.activation('recurrent_activation', GATE_ACTIVATIONS, 'sigmoid') as never,
      resetAfter: r.bool('reset_after', false),
    }),
  SimpleRNN: (r) => new SimpleRNN(recurrentOptions(r)),
  // webrnn's own class (TF.js and Keras have no SRU); its activation defaults to linear, as the paper's.
  SRU: (r) => new SRU({ ...recurrentOptions(r), activation: r.activation('activation', CELL_ACTIVATIONS, 'linear') as never }),
  // webrnn's own class; its numbers are checked by the layer, whose error names the option.
  EchoState: (r) => {
    const num = (key: string) => (r.config[key] === null ? undefined : (r.config[key] as number | undefined));
    try {
      return new EchoState({
        name: r.name,
        units: r.int('units'),
        returnSequences: r.bool('return_sequences', false),
        returnState: r.bool('return_state', false),
        goBackwards: r.bool('go_backwards', false),
        stateful: r.bool('stateful', false),
        // Saved before the option existed, a reservoir output its states alone.
        includeInput: r.bool('include_input', false),
        ...Object.fromEntries(
          (
            [
              ['spectralRadius', 'spectral_radius'],
              ['leakRate', 'leak_rate'],
              ['inputScaling', 'input_scaling'],
              ['connectivity', 'connectivity'],
              ['biasScaling', 'bias_scaling'],
              ['seed', 'seed'],
            ] as const
          )
            .map(([option, key]) => [option, num(key)])
            .filter(([, v]) => v !== undefined),
        ),
        ...r.input(),
      });
    } catch (e) {
      if (e instanceof ValueError) throw r.fail(e.message);
      throw e;
    }
  },
  Dense: (r) => {
    r.none('kernel_constraint', 'webrnn has no weight constraints');
    r.none('bias_constraint', 'webrnn has no weight constraints');
    r.none('activity_regularizer', 'webrnn regularizes weights only');
    const regs = { kernelRegularizer: r.regularizer('kernel_regularizer'), biasRegularizer: r.regularizer('bias_regularizer') };
    return new Dense({
      name: r.name,
      units: r.int('units'),
      activation: r.activation('activation', DENSE_ACTIVATIONS, 'linear') as never,
      useBias: r.bool('use_bias', true),
      ...Object.fromEntries(Object.entries(regs).filter(([, v]) => v !== undefined)),
      ...(r.input().inputShape ? { inputShape: r.input().inputShape } : {}),
    });
  },
  Embedding: (r) => {
    r.none('embeddings_constraint', 'webrnn has no weight constraints');
    r.none('activity_regularizer', 'webrnn regularizes weights only');
    const reg = r.regularizer('embeddings_regularizer');
    const length = r.config.input_length ?? r.input().inputShape?.[0];
    if (typeof length !== 'number') throw r.fail('needs input_length (or batch_input_shape [null, timesteps]): webrnn builds for a fixed sequence length');
    return new Embedding({
      name: r.name,
      inputDim: r.int('input_dim'),
      outputDim: r.int('output_dim'),
      inputLength: length,
      maskZero: r.bool('mask_zero', false),
      ...(reg ? { embeddingsRegularizer: reg } : {}),
    });
  },
  Bidirectional: (r, read) => {
    const inner = r.config.layer;
    if (!isObject(inner) || typeof inner.class_name !== 'string' || !isObject(inner.config))
      throw r.fail(`config.layer must be { class_name, config } of the wrapped layer; got ${JSON.stringify(inner)?.slice(0, 80)}`);
    const layer = read(inner.class_name, inner.config);
    if (!(layer instanceof RecurrentLayer)) throw r.fail(`wraps ${inner.class_name}; webrnn's Bidirectional wraps LSTM, GRU, SimpleRNN or SRU`);
    const mode = r.config.merge_mode === undefined ? 'concat' : r.config.merge_mode;
    if (mode === null) throw r.fail('merge_mode null returns two outputs, which a Sequential cannot pass on; use concat, sum, mul or ave');
    const own = r.input();
    return new Bidirectional({ name: r.name, layer, mergeMode: mode as never, ...(own.inputShape ? own : {}) });
  },
  Dropout: (r) => new Dropout({ name: r.name, ...dropoutOptions(r), noiseShape: noiseShapeOf(r), ...inputOf(r) }),
  SpatialDropout1D: (r) => new SpatialDropout1D({ name: r.name, ...dropoutOptions(r), ...inputOf(r) }),
  Masking: (r) => {
    const value = r.config.mask_value ?? 0;
    if (typeof value !== 'number') throw r.fail(`mask_value must be a number; got ${JSON.stringify(value)}`);
    return new Masking({ name: r.name, maskValue: value, ...inputOf(r) });
  },
  RepeatVector: (r) => new RepeatVector({ name: r.name, n: r.int('n'), ...inputOf(r) }),
  GlobalAveragePooling1D: (r) => new GlobalAveragePooling1D({ name: r.name, ...channelsLast(r), ...inputOf(r) }),
  GlobalMaxPooling1D: (r) => new GlobalMaxPooling1D({ name: r.name, ...channelsLast(r), ...inputOf(r) }),
  LayerNormalization: (r) => {
    r.none('beta_constraint', 'webrnn has no weight constraints');
    r.none('gamma_constraint', 'webrnn has no weight constraints');
    const axis = Array.isArray(r.config.axis) && r.config.axis.length === 1 ? r.config.axis[0] : (r.config.axis ?? -1);
    if (!Number.isInteger(axis)) throw r.fail(`axis ${JSON.stringify(r.config.axis)} is not supported; webrnn normalizes the last axis`);
    if (r.config.rms_scaling === true) throw r.fail('rms_scaling is not supported; webrnn computes the mean-centred normalization');
    const epsilon = r.config.epsilon ?? 1e-3;
    if (typeof epsilon !== 'number') throw r.fail(`epsilon must be a number; got ${JSON.stringify(epsilon)}`);
    const regs = { gammaRegularizer: r.regularizer('gamma_regularizer'), betaRegularizer: r.regularizer('beta_regularizer') };
    return new LayerNormalization({
      name: r.name,
      axis: axis as number,
      epsilon,
      center: r.bool('center', true),
      scale: r.bool('scale', true),
      ...Object.fromEntries(Object.entries(regs).filter(([, v]) => v !== undefined)),
      ...inputOf(r),
    });
  },
  Concatenate: (r) => {
    const axis = r.config.axis ?? -1;
    if (!Number.isInteger(axis)) throw r.fail(`axis must be an integer; got ${JSON.stringify(axis)}`);
    return viaLayer(r, () => new Concatenate({ name: r.name, axis: axis as number }));
  },
  Add: (r) => new Add({ name: r.name }),
  Multiply: (r) => new Multiply({ name: r.name }),
  Average: (r) => new Average({ name: r.name }),
  Dot: (r) => viaLayer(r, () => new Dot({ name: r.name, axes: r.config.axes as never, normalize: r.bool('normalize', false) })),
  Activation: (r) => new Activation({ name: r.name, activation: r.activation('activation', DENSE_ACTIVATIONS, 'linear') as never, ...inputOf(r) }),
  Attention: (r) => {
    attentionChecks(r);
    const mode = r.config.score_mode ?? 'dot';
    if (mode !== 'dot') throw r.fail(`score_mode ${JSON.stringify(mode)} is not supported; webrnn's Attention scores by dot product`);
    return new Attention({ name: r.name, useScale: r.bool('use_scale', false) });
  },
  AdditiveAttention: (r) => {
    attentionChecks(r);
    return new AdditiveAttention({ name: r.name, useScale: r.bool('use_scale', true) });
  },
  TimeDistributed: (r, read) => {
    const inner = r.config.layer;
    if (!isObject(inner) || typeof inner.class_name !== 'string' || !isObject(inner.config))
      throw r.fail(`config.layer must be { class_name, config } of the wrapped layer; got ${JSON.stringify(inner)?.slice(0, 80)}`);
    const layer = read(inner.class_name, inner.config);
    if (!(layer instanceof Dense)) throw r.fail(`wraps ${inner.class_name}; webrnn's TimeDistributed wraps a Dense`);
    return new TimeDistributed({ name: r.name, layer, ...inputOf(r) });
  },
};

/** What Keras's attention layers may set that webrnn does not do: causal masks and dropout on the weights. */
function attentionChecks(r: Reader): void {
  r.only('causal', false, false, 'webrnn attends to every value step');
  r.only('use_causal_mask', false, false, 'webrnn attends to every value step');
  const dropout = r.config.dropout ?? 0;
  if (dropout !== 0) throw r.fail(`dropout ${JSON.stringify(dropout)} on the attention weights is not supported; use 0`);
}

/** A layer whose constructor checks its own options: its ValueError becomes the file's ModelFormatError. */
function viaLayer(r: Reader, make: () => Layer): Layer {
  try {
    return make();
  } catch (e) {
    if (e instanceof ValueError) throw r.fail(e.message);
    throw e;
  }
}

/** Keras's pooling options: channels_last data (webrnn's layout) and no keepdims. */
function channelsLast(r: Reader): Record<string, never> {
  const format = r.config.data_format ?? 'channels_last';
  if (format !== 'channels_last') throw r.fail(`data_format ${JSON.stringify(format)} is not supported; webrnn's sequences are channels_last`);
  r.only('keepdims', false, false, 'the output is [batch, features]');
  return {};
}

/** A recurrent layer's dropout or recurrent_dropout rate (absent or null: 0). */
function dropoutRate(r: Reader, key: 'dropout' | 'recurrent_dropout'): number {
  const rate = r.config[key] ?? 0;
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw r.fail(`${key} must be a number in [0, 1); got ${JSON.stringify(rate)}`);
  return rate;
}

function inputOf(r: Reader): { inputShape?: number[]; batchSize?: number } {
  const own = r.input();
  return own.inputShape ? own : {};
}

function dropoutOptions(r: Reader): { rate: number; seed: number | null } {
  const rate = r.config.rate;
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw r.fail(`rate must be a number in [0, 1); got ${JSON.stringify(rate)}`);
  const seed = r.config.seed ?? null;
  if (seed !== null && !Number.isInteger(seed)) throw r.fail(`seed must be an integer or null; got ${JSON.stringify(seed)}`);
  return { rate, seed: seed as number | null };
}

function noiseShapeOf(r: Reader): (number | null)[] | null {
  const n = r.config.noise_shape ?? null;
  if (n !== null && (!Array.isArray(n) || !n.every((d) => d === null || (Number.isInteger(d) && d >= 1))))
    throw r.fail(`noise_shape must be a list of positive integers or nulls; got ${JSON.stringify(n)}`);
  return n as (number | null)[] | null;
}

/** Keras's and TF.js's class names of a functional model. */
export const FUNCTIONAL = ['Model', 'Functional'];

/** The layer names a functional layer entry reads from: Keras 2 and TF.js `[[name, node, tensor, kwargs]]`, Keras 3 keras_history. */
function inboundNames(entry: JsonObject): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      if (typeof v[0] === 'string' && typeof v[1] === 'number') found.push(v[0]);
      else v.forEach(walk);
    } else if (isObject(v)) {
      if (Array.isArray(v.keras_history) && typeof v.keras_history[0] === 'string') found.push(v.keras_history[0]);
      else Object.values(v).forEach(walk);
    }
  };
  walk(entry.inbound_nodes);
  return found;
}

/**
 * Whether a functional model is a Sequential in disguise: one input, one output, every layer reading exactly the
 * layer before it. Such a model loads as a Sequential; anything that branches or merges does not.
 */
export function isChain(config: unknown): boolean {
  if (!isObject(config) || !Array.isArray(config.layers)) return false;
  const entries = config.layers.filter(isObject);
  const ins = Array.isArray(config.input_layers) ? config.input_layers : [];
  const outs = Array.isArray(config.output_layers) ? config.output_layers : [];
  const single = (list: unknown[]) => list.length === 1 || (list.length === 3 && typeof list[0] === 'string');
  if (!single(ins) || !single(outs)) return false;
  for (let i = 1; i < entries.length; i++) {
    const from = inboundNames(entries[i]!);
    const previous = entries[i - 1]!.name ?? (isObject(entries[i - 1]!.config) ? (entries[i - 1]!.config as JsonObject).name : undefined);
    if (from.length !== 1 || from[0] !== previous) return false;
  }
  return true;
}

/** Layers of a Sequential topology (TF.js or Keras model.json, or a Keras .h5's model_config), and the model's name. */
/** The topology's model entry (a Keras .h5 nests it under model_config) and the Keras version that wrote it. */
export function topologyRoot(topology: JsonObject): { root: JsonObject; kerasVersion: string } {
  return {
    root: isObject(topology.model_config) ? (topology.model_config as JsonObject) : topology,
    kerasVersion: typeof topology.keras_version === 'string' ? topology.keras_version : '',
  };
}

/** Whether a topology is a functional model that is not a chain (such a model loads as a Functional). */
export function isGraphTopology(topology: JsonObject): boolean {
  const { root } = topologyRoot(topology);
  return FUNCTIONAL.includes(root.class_name as string) && !isChain(root.config);
}

/** Reads one layer config by class name, as the registry does, naming the file in every error. */
export function layerReader(file: string, kerasVersion: string): (cls: string, config: Config) => Layer | null {
  const read = (cls: string, c: Config): Layer | null => {
    const from = LAYER_FROM_CONFIG[cls];
    if (!from) {
      const name = typeof c.name === 'string' ? c.name : '(unnamed)';
      throw new ModelFormatError(
        `${file}: layer '${name}' has class ${cls}, which webrnn does not support; it reads ${['InputLayer', ...Object.keys(LAYER_FROM_CONFIG)].join(', ')}`,
      );
    }
    return from(new Reader(file, cls, c, kerasVersion), read);
  };
  return read;
}

/** An InputLayer's sample shape, batch size and dtype, as the Reader reads batch_input_shape. */
export function inputLayerOf(config: Config, file: string, kerasVersion: string): { inputShape?: number[]; batchSize?: number } {
  return new Reader(file, 'InputLayer', config, kerasVersion).input();
}

export function layersFromTopology(topology: JsonObject, file: string): { name: string; layers: Layer[] } {
  const { root, kerasVersion } = topologyRoot(topology);
  if (root.class_name !== 'Sequential' && !(FUNCTIONAL.includes(root.class_name as string) && isChain(root.config))) {
    throw new ModelFormatError(
      `${file}: model class check failed: modelTopology.class_name is ${JSON.stringify(root.class_name)}; webrnn loads Sequential models` +
        `${FUNCTIONAL.includes(root.class_name as string) ? ' and functional models whose layers form one chain here (this one branches or merges: loadLayersModel loads it as a functional model)' : ''}. ` +
        'Load it with loadLayersModel, or rebuild the model as a Sequential (a linear stack of layers) in Keras or TF.js and save it again.',
    );
  }
  const config = root.config;
  const entries = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(entries))
    throw new ModelFormatError(`${file}: key check failed: modelTopology.config.layers must be a list of layers; got ${JSON.stringify(entries)?.slice(0, 40)}`);
  const read = layerReader(file, kerasVersion);
  let pendingInput: { inputShape?: number[]; batchSize?: number } = {};
  const layers: Layer[] = [];
  entries.forEach((entry, i) => {
    if (!isObject(entry) || typeof entry.class_name !== 'string' || !isObject(entry.config)) {
      throw new ModelFormatError(`${file}: key check failed: layer #${i} must be { class_name, config }; got ${JSON.stringify(entry)?.slice(0, 60)}`);
    }
    if (entry.class_name === 'InputLayer') {
      pendingInput = new Reader(file, 'InputLayer', entry.config, kerasVersion).input();
      return;
    }
    // An InputLayer's shape is the model's input: it goes to the first real layer (whose own batch_input_shape,
    // if any, TF.js may have written as [null, null]).
    const withInput =
      layers.length === 0 && pendingInput.inputShape
        ? { ...entry.config, batch_input_shape: [pendingInput.batchSize ?? null, ...pendingInput.inputShape], batch_shape: undefined }
        : entry.config;
    const layer = read(entry.class_name, withInput);
    if (layer) layers.push(layer);
  });
  if (layers.length === 0) throw new ModelFormatError(`${file}: the Sequential has no layers with weights webrnn can run`);
  return { name: isObject(config) && typeof config.name === 'string' ? config.name : 'sequential', layers };
}
