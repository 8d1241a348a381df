/**
 * Loss and metric names as users write them (Keras snake_case, TF.js camelCase, short forms), resolved to
 * the configs the kernels take (src/kernels/losses.ts, src/kernels/metrics.ts).
 */
import { ValueError } from '../errors';
import { LOSS_IDS, type LossConfig, type LossKind } from '../kernels/losses';
import type { MetricConfig, MetricKind } from '../kernels/metrics';

export interface LossOptions {
  /** Binary and categorical crossentropies: predictions are logits. Default false (probabilities). */
  fromLogits?: boolean;
  /** Huber's δ, > 0; default 1.0. */
  delta?: number;
}

// Keys are lower case without underscores, so 'mean_squared_error', 'meanSquaredError' and 'MSE' all match.
const LOSS_ALIASES: Record<string, LossKind> = {
  mse: 'mse',
  meansquarederror: 'mse',
  mae: 'mae',
  meanabsoluteerror: 'mae',
  huber: 'huber',
  huberloss: 'huber',
  binarycrossentropy: 'binaryCrossentropy',
  categoricalcrossentropy: 'categoricalCrossentropy',
  sparsecategoricalcrossentropy: 'sparseCategoricalCrossentropy',
};

const METRIC_ALIASES: Record<string, MetricKind | 'accuracy'> = {
  mse: 'mse',
  meansquarederror: 'mse',
  mae: 'mae',
  meanabsoluteerror: 'mae',
  accuracy: 'accuracy',
  acc: 'accuracy',
  binaryaccuracy: 'binaryAccuracy',
  categoricalaccuracy: 'categoricalAccuracy',
  sparsecategoricalaccuracy: 'sparseCategoricalAccuracy',
};

const key = (name: string) => name.replace(/_/g, '').toLowerCase();

/** A loss name ('mse', 'binary_crossentropy', ...) or `{ kind, fromLogits?, delta? }`, validated and completed. */
export function resolveLoss(spec: string | ({ kind: string } & LossOptions), options: LossOptions = {}): LossConfig {
  const name = typeof spec === 'string' ? spec : spec?.kind;
  const kind = typeof name === 'string' ? LOSS_ALIASES[key(name)] : undefined;
  if (!kind) {
    throw new ValueError(
      `Unknown loss ${JSON.stringify(name ?? spec)}; known losses are ${Object.keys(LOSS_IDS).join(', ')} (Keras snake_case names work too)`,
    );
  }
  const merged = { ...options, ...(typeof spec === 'string' ? {} : spec) };
  const fromLogits = merged.fromLogits ?? false;
  if (typeof fromLogits !== 'boolean') throw new ValueError(`loss ${kind}: fromLogits must be true or false; got ${JSON.stringify(fromLogits)}`);
  if (fromLogits && !kind.endsWith('Crossentropy')) throw new ValueError(`loss ${kind}: fromLogits applies to the crossentropy losses only`);
  const delta = merged.delta ?? 1.0;
  if (typeof delta !== 'number' || !Number.isFinite(delta) || delta <= 0)
    throw new ValueError(`loss ${kind}: delta must be a finite number > 0; got ${String(delta)}`);
  return Object.freeze({ kind, fromLogits, delta });
}

/**
 * A metric name for a model compiled with `loss` and `cols` outputs per row. 'accuracy' / 'acc' picks the
 * variant as Keras does: binary for binaryCrossentropy or a single output column, sparse categorical for
 * sparseCategoricalCrossentropy, categorical otherwise. Binary accuracy thresholds at 0.5, or at 0 when the
 * loss takes logits (σ(x) > 0.5 ⇔ x > 0; Keras itself would keep 0.5 there).
 */
export function resolveMetric(spec: string | MetricConfig, loss: LossConfig, cols: number): MetricConfig {
  const name = typeof spec === 'string' ? spec : spec?.kind;
  const found = typeof name === 'string' ? METRIC_ALIASES[key(name)] : undefined;
  if (!found) {
    throw new ValueError(
      `Unknown metric ${JSON.stringify(name ?? spec)}; known metrics are accuracy, mse, mae, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy`,
    );
  }
  let kind: MetricKind;
  if (found !== 'accuracy') kind = found;
  else if (loss.kind === 'binaryCrossentropy' || (cols === 1 && loss.kind !== 'sparseCategoricalCrossentropy')) kind = 'binaryAccuracy';
  else if (loss.kind === 'sparseCategoricalCrossentropy') kind = 'sparseCategoricalAccuracy';
  else kind = 'categoricalAccuracy';
  const threshold = typeof spec === 'object' && Number.isFinite(spec.threshold) ? spec.threshold : loss.fromLogits ? 0 : 0.5;
  return Object.freeze({ kind, threshold });
}
