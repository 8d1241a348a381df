/**
 * fitDataset's and evaluateDataset's data: a dataset is a source of `{ xs, ys }` batches, as in TF.js. Accepted:
 * a TF.js `tf.data.Dataset` (anything with `iterator()` resolving to an object with `next()`), an async iterable
 * (an async generator streaming from a file), or a plain iterable (an array of batches, a generator). Each epoch
 * opens a fresh iterator unless `batchesPerEpoch` is given, in which case one iterator runs on across epochs, as
 * TF.js does. Options are checked here; Sequential only orchestrates.
 */
import { ValueError, WebRnnError } from '../errors';
import type { TensorLike } from '../tensor';
import { checkCallbacks, type Callback } from './callbacks';
import { show } from './data';

/** One batch: inputs and targets, each any TensorLike (a tf.Tensor too), the same number of samples. */
export interface Batch {
  xs: TensorLike;
  ys: TensorLike;
}

export interface BatchIterator {
  next(): Promise<IteratorResult<Batch>> | IteratorResult<Batch>;
  /** Called when training stops reading before the end (generators and streams close their files here). */
  return?(): unknown;
}

/** Lets an iterator that was not read to its end release what it holds (a file, a stream); its errors are moot. */
export async function closeIterator(iterator: BatchIterator | null | undefined): Promise<void> {
  try {
    await iterator?.return?.();
  } catch {
    // closing is best effort: the training's own result or error is what the caller gets
  }
}

export type Dataset = AsyncIterable<Batch> | Iterable<Batch> | { iterator(): Promise<BatchIterator> | BatchIterator };

export interface FitDatasetArgs {
  epochs?: number;
  /**
   * Batches per epoch. Given: one iterator runs on across epochs (a stream, an endless generator). Left out: each
   * epoch runs the dataset to its end, from a fresh iterator.
   */
  batchesPerEpoch?: number;
  initialEpoch?: number;
  /** [xVal, yVal] arrays, or a dataset of batches, evaluated after every epoch (without dropout). */
  validationData?: Dataset | [TensorLike, TensorLike];
  /** How many batches of a validation dataset to use (default: all of them). */
  validationBatches?: number;
  callbacks?: Callback | Callback[] | null;
  verbose?: 0 | 1;
  /** As fit's: a NaN or infinite loss stops training with a NonFiniteLossError (default true). */
  stopOnNonFinite?: boolean;
  /** Accepted as TF.js's (fit's note says why there is nothing to do). */
  yieldEvery?: 'auto' | 'batch' | 'epoch' | 'never' | number;
  /** As fit's: only null or undefined. */
  classWeight?: null;
}

const KEYS = [
  'epochs',
  'batchesPerEpoch',
  'initialEpoch',
  'validationData',
  'validationBatches',
  'callbacks',
  'verbose',
  'stopOnNonFinite',
  'yieldEvery',
  'classWeight',
];

export interface ResolvedFitDatasetArgs {
  epochs: number;
  batchesPerEpoch: number | null;
  initialEpoch: number;
  validationData: Dataset | [TensorLike, TensorLike] | null;
  validationBatches: number | null;
  callbacks: Callback[];
  verbose: 0 | 1;
  stopOnNonFinite: boolean;
}

function optionalCount(name: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || (value as number) < 1) throw new ValueError(`fitDataset: ${name} must be a positive integer; got ${show(value)}`);
  return value as number;
}

export function resolveFitDatasetArgs(args: FitDatasetArgs): ResolvedFitDatasetArgs {
  if (typeof args !== 'object' || args === null) throw new ValueError(`fitDataset options must be an object; got ${JSON.stringify(args)}`);
  const unknown = Object.keys(args).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) throw new ValueError(`fitDataset: unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; options are ${KEYS.join(', ')}`);
  const epochs = args.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 1) throw new ValueError(`fitDataset: epochs must be a positive integer; got ${show(args.epochs)}`);
  const initialEpoch = args.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch >= epochs)
    throw new ValueError(`fitDataset: initialEpoch must be an integer in [0, epochs); got ${show(args.initialEpoch)}`);
  const verbose = args.verbose ?? 0;
  if (verbose !== 0 && verbose !== 1) throw new ValueError(`fitDataset: verbose must be 0 or 1; got ${JSON.stringify(args.verbose)}`);
  const stopOnNonFinite = args.stopOnNonFinite ?? true;
  if (typeof stopOnNonFinite !== 'boolean')
    throw new ValueError(`fitDataset: stopOnNonFinite must be true or false; got ${JSON.stringify(args.stopOnNonFinite)}`);
  if (args.classWeight !== undefined && args.classWeight !== null)
    throw new ValueError(`fitDataset: classWeight is not supported (the loss would be weighted per class); got ${JSON.stringify(args.classWeight)}`);
  const validationData = args.validationData ?? null;
  if (validationData !== null && !isDataset(validationData))
    throw new ValueError(`fitDataset: validationData must be [xVal, yVal] or a dataset of { xs, ys } batches; got ${describe(validationData)}`);
  if (validationPair(validationData) === null && Array.isArray(validationData) && !isBatchArray(validationData))
    throw new ValueError(`fitDataset: validationData must be [xVal, yVal] or an array of { xs, ys } batches; got an array of ${validationData.length}`);
  return {
    epochs,
    batchesPerEpoch: optionalCount('batchesPerEpoch', args.batchesPerEpoch),
    initialEpoch,
    validationData,
    validationBatches: optionalCount('validationBatches', args.validationBatches),
    callbacks: checkCallbacks(args.callbacks),
    verbose,
    stopOnNonFinite,
  };
}

/** An array whose every element is a { xs, ys } batch: a dataset, not an [xVal, yVal] pair. */
function isBatchArray(value: unknown[]): boolean {
  return value.length > 0 && value.every((b) => typeof b === 'object' && b !== null && 'xs' in b && 'ys' in b);
}

/** validationData as [xVal, yVal] arrays, or null when it is a dataset (or absent). */
export function validationPair(value: unknown): [TensorLike, TensorLike] | null {
  return Array.isArray(value) && value.length === 2 && !isBatchArray(value) ? (value as [TensorLike, TensorLike]) : null;
}

export function isDataset(value: unknown): value is Dataset {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string | symbol, unknown>;
  return typeof v.iterator === 'function' || typeof v[Symbol.asyncIterator] === 'function' || typeof v[Symbol.iterator] === 'function';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return `${typeof value} ${JSON.stringify(value)}`;
  return `an object with keys ${Object.keys(value).join(', ') || '(none)'}`;
}

/** Throws a ValueError saying what a dataset is, unless `value` is one. */
export function checkDataset(value: unknown, where: string): asserts value is Dataset {
  if (!isDataset(value)) {
    throw new ValueError(`${where}: the dataset must be a tf.data.Dataset, an async iterable or an iterable of { xs, ys } batches; got ${describe(value)}`);
  }
}

/** A fresh iterator over the dataset's batches. */
export async function openDataset(dataset: unknown, where: string): Promise<BatchIterator> {
  checkDataset(dataset, where);
  const d = dataset as Record<string | symbol, unknown>;
  if (typeof d.iterator === 'function') return await (dataset as { iterator(): Promise<BatchIterator> }).iterator();
  if (typeof d[Symbol.asyncIterator] === 'function') return (dataset as AsyncIterable<Batch>)[Symbol.asyncIterator]();
  return (dataset as Iterable<Batch>)[Symbol.iterator]();
}

/**
 * The next batch, or null at the end. An iterator that throws, or yields something that is not { xs, ys }, is a
 * ValueError naming the epoch and batch (the error it threw is its `cause`).
 */
export async function nextBatch(iterator: BatchIterator, where: string): Promise<Batch | null> {
  let result: IteratorResult<Batch>;
  try {
    result = await iterator.next();
  } catch (e) {
    if (e instanceof WebRnnError) throw e;
    throw new ValueError(`${where}: the dataset's iterator threw: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (result.done) return null;
  const batch = result.value as unknown;
  if (typeof batch !== 'object' || batch === null || !('xs' in batch) || !('ys' in batch)) {
    throw new ValueError(`${where}: each batch must be { xs, ys } (TF.js's names); got ${describe(batch)}`);
  }
  return batch as Batch;
}
