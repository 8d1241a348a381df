/**
 * The `trainingConfig` of a layers-model ⇄ webrnn's compile arguments. Written as TF.js writes it (loss and
 * metrics by name, `optimizer_config` with a class TF.js knows: Adam, SGD, Momentum, RMSProp) so that
 * `tf.loadLayersModel` compiles the model; read from TF.js's form and from Keras's (snake_case keys, RMSprop,
 * SGD with momentum, loss objects). What TF.js has no words for (fromLogits, Huber's δ) goes under
 * `webrnn_loss_options`, a key TF.js and Keras ignore.
 */
import { ModelFormatError, WebRnnError } from '../errors';
import type { JsonObject } from '../io/types';
import { resolveLoss } from '../optim/losses';
import { resolveOptimizer, type OptimizerConfig } from '../optim/optimizers';
import { optimizerConfigJson } from './optimizerWeights';
import type { CompileArgs, Compiled } from './training';

type Config = Record<string, unknown>;
const isObject = (v: unknown): v is Config => typeof v === 'object' && v !== null && !Array.isArray(v);

const LOSS_NAMES: Record<string, string> = {
  mse: 'mean_squared_error',
  mae: 'mean_absolute_error',
  huber: 'huber',
  binaryCrossentropy: 'binary_crossentropy',
  categoricalCrossentropy: 'categorical_crossentropy',
  sparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
};

export function trainingConfigJson(compiled: Compiled, learningRate: number): JsonObject {
  const loss = compiled.loss;
  const options = { ...(loss.fromLogits ? { from_logits: true } : {}), ...(loss.kind === 'huber' && loss.delta !== 1 ? { delta: loss.delta } : {}) };
  return {
    loss: LOSS_NAMES[loss.kind]!,
    metrics: compiled.metrics.map((m) => m.name),
    optimizer_config: optimizerConfigJson(compiled.optimizer, learningRate),
    ...(Object.keys(options).length > 0 ? { webrnn_loss_options: options } : {}),
  };
}

/** Normalizes a config key: 'learning_rate', 'learningRate' → 'learningrate'. */
const norm = (k: string) => k.replace(/_/g, '').toLowerCase();

function optimizerFrom(spec: unknown, file: string): OptimizerConfig {
  const fail = (detail: string) =>
    new ModelFormatError(`${file}: trainingConfig.optimizer_config: ${detail}; load with { compile: false } to skip the training config`);
  if (!isObject(spec) || typeof spec.class_name !== 'string') throw fail(`expected { class_name, config }; got ${JSON.stringify(spec)?.slice(0, 60)}`);
  const c: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(isObject(spec.config) ? spec.config : {})) c[norm(k)] = v;
  const cls = spec.class_name.toLowerCase();
  const lr = c.learningrate ?? c.lr;
  const nonzero = (k: string) => c[k] !== undefined && c[k] !== null && c[k] !== 0 && c[k] !== false;
  for (const k of ['amsgrad', 'weightdecay', 'useema']) if (nonzero(k)) throw fail(`${spec.class_name} with ${k} is not supported`);
  // Keras 2's Adam/SGD 'decay' is a learning-rate decay; TF.js RMSProp's 'decay' is ρ.
  if (cls !== 'rmsprop' && nonzero('decay')) throw fail(`${spec.class_name} with a learning-rate decay (decay ${c.decay}) is not supported; use a callback`);
  const clip = { clipNorm: c.clipnorm ?? undefined, globalClipNorm: c.globalclipnorm ?? undefined, clipValue: c.clipvalue ?? undefined };
  const defined = (o: Config) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
  try {
    if (cls === 'adam')
      return resolveOptimizer({ kind: 'adam', ...defined({ learningRate: lr, beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon, ...clip }) });
    if (cls === 'sgd' || cls === 'momentum') {
      return resolveOptimizer({ kind: 'sgd', ...defined({ learningRate: lr, momentum: c.momentum, nesterov: c.usenesterov ?? c.nesterov, ...clip }) });
    }
    if (cls === 'rmsprop')
      return resolveOptimizer({
        kind: 'rmsprop',
        ...defined({ learningRate: lr, rho: c.rho ?? c.decay, momentum: c.momentum, epsilon: c.epsilon, centered: c.centered, ...clip }),
      });
  } catch (e) {
    if (e instanceof WebRnnError) throw fail(e.message);
    throw e;
  }
  throw fail(`class ${spec.class_name} is not supported; webrnn has Adam, SGD (and TF.js's Momentum) and RMSprop`);
}

function nameOf(v: unknown): unknown {
  return isObject(v) && typeof v.class_name === 'string' ? v.class_name : v;
}

/** Compile arguments from a saved trainingConfig (TF.js or Keras form). */
export function compileArgsFromTrainingConfig(tc: JsonObject, file: string): CompileArgs {
  const fail = (detail: string) => new ModelFormatError(`${file}: trainingConfig: ${detail}; load with { compile: false } to skip the training config`);
  for (const k of ['loss_weights', 'weighted_metrics', 'sample_weight_mode']) if (tc[k] !== undefined && tc[k] !== null) throw fail(`${k} is not supported`);
  const lossName = nameOf(tc.loss);
  if (typeof lossName !== 'string') throw fail(`loss must be a name such as 'mean_squared_error'; got ${JSON.stringify(tc.loss)?.slice(0, 60)}`);
  const keras = isObject(tc.loss) && isObject(tc.loss.config) ? tc.loss.config : {};
  const ours = isObject(tc.webrnn_loss_options) ? tc.webrnn_loss_options : {};
  const fromLogits = ours.from_logits ?? keras.from_logits;
  const delta = ours.delta ?? keras.delta;
  let loss;
  try {
    loss = resolveLoss({ kind: lossName, ...(fromLogits === true ? { fromLogits: true } : {}), ...(typeof delta === 'number' ? { delta } : {}) });
  } catch (e) {
    if (e instanceof WebRnnError) throw fail(e.message);
    throw e;
  }
  const rawMetrics = tc.metrics ?? [];
  if (!Array.isArray(rawMetrics) && !(isObject(rawMetrics) && Object.keys(rawMetrics).length === 0))
    throw fail(`metrics per output are not supported; got ${JSON.stringify(rawMetrics).slice(0, 60)}`);
  const metrics = (Array.isArray(rawMetrics) ? rawMetrics : []).map((m) => {
    const name = nameOf(m);
    if (typeof name !== 'string') throw fail(`a metric must be a name; got ${JSON.stringify(m)}`);
    return name;
  });
  return { optimizer: optimizerFrom(tc.optimizer_config, file), loss, ...(metrics.length > 0 ? { metrics } : {}) };
}
