/**
 * fit's options: the TF.js names and Keras defaults, checked before anything runs. A free function, as
 * tfjs-layers keeps its checkBatchSize and makeBatches outside the model class: Sequential only orchestrates.
 */
import { ValueError } from '../errors';
import type { TensorLike } from '../tensor';
import { checkCallbacks, type Callback } from './callbacks';
import { checkBatchSize, show } from './data';

export interface FitArgs {
  batchSize?: number;
  epochs?: number;
  /** Shuffle the training samples before each epoch (default true); the validation part never is. */
  shuffle?: boolean;
  /** Seeds the shuffling (default: the model's seed). */
  seed?: number;
  /** Keras semantics: the LAST fraction of x and y, taken before shuffling. */
  validationSplit?: number;
  validationData?: [TensorLike, TensorLike];
  callbacks?: Callback | Callback[] | null;
  /**
   * TF.js's option for keeping the page responsive while training: accepted with TF.js's values ('auto', 'batch',
   * 'epoch', 'never' or milliseconds) and nothing to do, since webrnn's fit runs on the GPU and awaits it, which
   * yields to the page at every readback (once per epoch, and per batch when a callback has onBatchEnd).
   */
  yieldEvery?: 'auto' | 'batch' | 'epoch' | 'never' | number;
  /**
   * TF.js and Keras's per-class loss weights: not supported; null or undefined (TF.js's default) is accepted, an
   * object is a ValueError rather than a fit that silently trains unweighted.
   */
  classWeight?: null;
  /** 0 silent (default), 1 one line per epoch through console.log. */
  verbose?: 0 | 1;
  initialEpoch?: number;
  /**
   * Stop with a NonFiniteLossError naming epoch and batch when the loss becomes NaN or Infinity (default true;
   * detected on the GPU, read with the epoch's one readback). false trains on, as Keras does without TerminateOnNaN.
   */
  stopOnNonFinite?: boolean;
}

const FIT_KEYS = [
  'batchSize',
  'epochs',
  'shuffle',
  'seed',
  'validationSplit',
  'validationData',
  'callbacks',
  'verbose',
  'initialEpoch',
  'stopOnNonFinite',
  'yieldEvery',
  'classWeight',
];

export interface ResolvedFitArgs {
  batchSize: number;
  epochs: number;
  initialEpoch: number;
  validationSplit: number;
  /** As given (its tensors are checked against the model by the caller), or null. */
  validationData: [TensorLike, TensorLike] | null;
  shuffle: boolean;
  seed: number | undefined;
  verbose: 0 | 1;
  callbacks: Callback[];
  stopOnNonFinite: boolean;
}

/** Every option with its default; the first bad one is a ValueError naming it, the rule and what came. */
export function resolveFitArgs(args: FitArgs, defaultBatchSize: number): ResolvedFitArgs {
  if (typeof args !== 'object' || args === null) throw new ValueError(`fit options must be an object; got ${JSON.stringify(args)}`);
  const unknown = Object.keys(args).filter((k) => !FIT_KEYS.includes(k));
  if (unknown.length > 0) throw new ValueError(`fit: unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; options are ${FIT_KEYS.join(', ')}`);
  const batchSize = checkBatchSize(args.batchSize ?? defaultBatchSize);
  const epochs = args.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 1) throw new ValueError(`epochs must be a positive integer; got ${show(args.epochs)}`);
  const initialEpoch = args.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch >= epochs)
    throw new ValueError(`initialEpoch must be an integer in [0, epochs); got ${show(args.initialEpoch)}`);
  const split = args.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1))
    throw new ValueError(`validationSplit must be a number in [0, 1); got ${JSON.stringify(args.validationSplit)}`);
  if (split > 0 && args.validationData) throw new ValueError('give validationSplit or validationData, not both');
  const shuffle = args.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new ValueError(`shuffle must be true or false; got ${JSON.stringify(args.shuffle)}`);
  const verbose = args.verbose ?? 0;
  if (verbose !== 0 && verbose !== 1) throw new ValueError(`verbose must be 0 or 1; got ${JSON.stringify(args.verbose)}`);
  const callbacks = checkCallbacks(args.callbacks);
  const yieldEvery = args.yieldEvery ?? 'auto';
  if (!['auto', 'batch', 'epoch', 'never'].includes(yieldEvery as string) && !(typeof yieldEvery === 'number' && yieldEvery >= 0))
    throw new ValueError(`yieldEvery must be 'auto', 'batch', 'epoch', 'never' or a number of milliseconds ≥ 0; got ${JSON.stringify(args.yieldEvery)}`);
  if (args.classWeight !== undefined && args.classWeight !== null)
    throw new ValueError(
      `fit: classWeight is not supported (the loss would be weighted per class); got ${JSON.stringify(args.classWeight)}. Leave it out, or resample the classes of x and y`,
    );
  const stopOnNonFinite = args.stopOnNonFinite ?? true;
  if (typeof stopOnNonFinite !== 'boolean') throw new ValueError(`stopOnNonFinite must be true or false; got ${JSON.stringify(args.stopOnNonFinite)}`);
  const validationData = args.validationData ?? null;
  if (validationData && (!Array.isArray(validationData) || validationData.length !== 2)) throw new ValueError('validationData must be [xVal, yVal]');
  return { batchSize, epochs, initialEpoch, validationSplit: split, validationData, shuffle, seed: args.seed, verbose, callbacks, stopOnNonFinite };
}
