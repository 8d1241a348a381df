/**
 * Training callbacks in TF.js's shape: plain objects with any of onTrainBegin, onEpochBegin, onEpochEnd,
 * onBatchBegin, onBatchEnd, onTrainEnd (sync or async), and `callbacks.earlyStopping(...)`. Per-batch logs cost a
 * readback per batch, so fit only reads them back when some callback has onBatchEnd; onBatchProgress reports each
 * batch's end without one (src/model/batchProgress.ts).
 */
import { ValueError } from '../errors';
import type { Tensor, TensorLike } from '../tensor';

export type Logs = Record<string, number>;

export interface Callback {
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  /** Before a batch is queued (TF.js's): `{ batch, size }`. No readback. */
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  /** After a batch, with its loss and metrics so far this epoch: costs one readback per batch. */
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  /** Once the GPU has finished a batch: `{ batch, size, ms }`, ms since the previous batch finished. No readback. */
  onBatchProgress?(batch: number, progress: Logs): void | Promise<void>;
  /** Called by fit before training with the model being trained. */
  setModel?(model: TrainableModel): void;
}

/** What a callback may do to the model it watches. */
export interface TrainableModel {
  stopTraining: boolean;
  getWeights(): Promise<Tensor[]>;
  setWeights(weights: TensorLike[]): void;
}

/** TF.js's History: per-epoch logs by name ("loss", "val_loss", "mae", ...). */
export interface History {
  epoch: number[];
  history: Record<string, number[]>;
  params: { epochs: number; samples: number; batchSize: number; steps: number; validationSamples: number };
}

export interface EarlyStoppingArgs {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  mode?: 'auto' | 'min' | 'max';
  baseline?: number;
  restoreBestWeights?: boolean;
}

/**
 * Stops fit when `monitor` has not improved by more than minDelta for `patience` epochs (Keras semantics). With
 * restoreBestWeights, the best epoch's weights come back when it stops and, as in Keras 3, also when fit runs out
 * of epochs after a better earlier one (TF.js's earlyStopping has no restoreBestWeights).
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  /** The epoch fit stopped after, or 0 when it ran to the end. */
  stoppedEpoch = 0;
  /** The (0-based) epoch with the best `monitor` value so far, or -1 before the first. */
  bestEpoch = -1;
  private lastEpoch = -1;
  private readonly sign: 1 | -1;
  private model: TrainableModel | null = null;
  private best = Infinity;
  private wait = 0;
  private bestWeights: Tensor[] | null = null;

  constructor(args: EarlyStoppingArgs = {}) {
    this.monitor = args.monitor ?? 'val_loss';
    const num = (name: string, v: unknown, fallback: number, min: number) => {
      if (v === undefined) return fallback;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
        throw new ValueError(`earlyStopping: ${name} must be a finite number ≥ ${min}; got ${JSON.stringify(v)}`);
      return v;
    };
    this.minDelta = Math.abs(num('minDelta', args.minDelta, 0, -Infinity));
    this.patience = num('patience', args.patience, 0, 0);
    if (!Number.isInteger(this.patience)) throw new ValueError(`earlyStopping: patience must be an integer; got ${this.patience}`);
    this.baseline = args.baseline;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    const mode = args.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(mode)) throw new ValueError(`earlyStopping: mode must be 'auto', 'min' or 'max'; got ${JSON.stringify(mode)}`);
    // Keras 'auto': maximize accuracy-like metrics, minimize the rest.
    this.sign = mode === 'max' || (mode === 'auto' && /acc/.test(this.monitor)) ? -1 : 1;
  }

  setModel(model: TrainableModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.baseline !== undefined ? this.sign * this.baseline : Infinity;
    this.bestWeights = null;
    this.bestEpoch = -1;
    this.lastEpoch = -1;
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new ValueError(
        `earlyStopping monitors '${this.monitor}', which fit does not log; logged: ${Object.keys(logs).join(', ')} (val_* needs validationSplit or validationData)`,
      );
    }
    const score = this.sign * value;
    this.lastEpoch = epoch;
    if (score < this.best - this.minDelta) {
      this.best = score;
      this.wait = 0;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights && this.model) this.bestWeights = await this.model.getWeights();
      return;
    }
    this.wait += 1;
    // Keras: stop once `patience` epochs in a row brought no improvement (never after the very first epoch).
    if (this.wait >= this.patience && epoch > 0 && this.model) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
      if (this.restoreBestWeights && this.bestWeights) this.model.setWeights(this.bestWeights);
    }
  }

  /** Keras 3: a fit that ran out of epochs after its best one ends with the best weights too. */
  onTrainEnd(): void {
    if (this.restoreBestWeights && this.bestWeights && this.model && this.stoppedEpoch === 0 && this.bestEpoch !== this.lastEpoch) {
      this.model.setWeights(this.bestWeights);
    }
  }
}

/** The hooks fit calls with (epoch or batch, logs), in Callback's order; a model in a worker forwards these. */
export const TRAINING_HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'onBatchProgress'] as const;

const HOOKS = [...TRAINING_HOOKS, 'setModel'] as const;

/**
 * fit's `callbacks` option as a list, checked before any GPU work: a hook that is not a function would
 * otherwise fail only at the end of the first epoch, after the weights had changed.
 */
export function checkCallbacks(value: unknown): Callback[] {
  // null is TF.js's "no callbacks" as well.
  if (value === undefined || value === null) return [];
  const list: unknown[] = Array.isArray(value) ? value : [value];
  list.forEach((cb, i) => {
    const where = Array.isArray(value) ? `callbacks[${i}]` : 'callbacks';
    if (typeof cb !== 'object' || cb === null) {
      throw new ValueError(
        `fit: ${where} must be an object with hooks such as onEpochEnd(epoch, logs); got ${cb === null ? 'null' : `${typeof cb} ${String(cb)}`}`,
      );
    }
    for (const hook of HOOKS) {
      const fn = (cb as Record<string, unknown>)[hook];
      if (fn !== undefined && typeof fn !== 'function')
        throw new ValueError(`fit: ${where}.${hook} must be a function; got ${typeof fn} ${JSON.stringify(fn)}`);
    }
  });
  return list as Callback[];
}

export const callbacks = {
  earlyStopping: (args?: EarlyStoppingArgs) => new EarlyStopping(args),
};
