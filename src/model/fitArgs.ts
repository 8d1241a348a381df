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
  callbacks?: Callback | Callback[];
  /** 0 silent (default), 1 one line per epoch through console.log. */
  verbose?: 0 | 1;
  initialEpoch?: number;
  /**
   * Stop with a NonFiniteLossError naming epoch and batch when the loss becomes NaN or Infinity (default true;
   * detected on the GPU, read with the epoch's one readback). false trains on, as Keras does without TerminateOnNaN.
   */
  stopOnNonFinite?: boolean;
}

const FIT_KEYS = ['batchSize', 'epochs', 'shuffle', 'seed', 'validationSplit', 'validationData', 'callbacks', 'verbose', 'initialEpoch', 'stopOnNonFinite'];

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
  const stopOnNonFinite = args.stopOnNonFinite ?? true;
  if (typeof stopOnNonFinite !== 'boolean') throw new ValueError(`stopOnNonFinite must be true or false; got ${JSON.stringify(args.stopOnNonFinite)}`);
  const validationData = args.validationData ?? null;
  if (validationData && (!Array.isArray(validationData) || validationData.length !== 2)) throw new ValueError('validationData must be [xVal, yVal]');
  return { batchSize, epochs, initialEpoch, validationSplit: split, validationData, shuffle, seed: args.seed, verbose, callbacks, stopOnNonFinite };
}
