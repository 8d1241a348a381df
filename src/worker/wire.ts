/**
 * What the page and a model's worker say to each other (src/worker/remoteModel.ts, serveModel.ts), over Comlink:
 * the service a worker exposes, and how errors cross. Tensors cross as `{ data: Float32Array, shape }`; what the
 * worker sends back (predictions, weights, saved artifacts) is transferred, not copied, since the worker keeps no
 * use for it.
 */
import { transfer, transferHandlers, type TransferHandler } from 'comlink';
import { rebuildError, serializeError, type SerializedError } from '../errors';
import type { AdapterSummary } from '../gpu/runtime';
import type { ModelArtifacts } from '../io/types';
import type { Logs } from '../model/callbacks';
import type { LastGoodWeights } from '../model/epochEnd';
import type { RidgeOptions, RidgeResult } from '../model/ridge';
import type { SaveOptions } from '../model/save';
import type { Tensor } from '../tensor';

/**
 * The handshake before any call: serveModel says READY when it starts listening and again whenever it hears HELLO,
 * which remoteModel sends once its own listener is on. A worker may call serveModel late (after a top-level await),
 * and the page may start listening late (after its own awaits): whichever comes second, the page hears READY. Comlink
 * ignores these messages (they carry no call id).
 */
export const HELLO = 'webrnn: remoteModel is listening';
export const READY = 'webrnn: serveModel is listening';

/** What the page learns about the model once its worker has built it. */
export interface RemoteModelInfo {
  name: string;
  adapter: AdapterSummary;
  inputShape: number[];
  outputShape: number[];
  params: number;
}

/** fit's and fitDataset's options with the callbacks and data taken out (they travel separately). */
export type WireArgs = Record<string, unknown>;

/** The page's side of a fit: which hooks each callback has, and a way to call them (a Comlink proxy). */
export interface FitEvents {
  call(callback: number, hook: string, args: unknown[]): Promise<void>;
  /** The weights after each epoch that ended with a finite loss, so the page keeps them if the worker dies. */
  lastGood(weights: LastGoodWeights): void;
}

/** A page-side dataset, read batch by batch from the worker (a Comlink proxy). */
export interface BatchSource {
  /** Opens a fresh iterator and returns its id. */
  open(): Promise<number>;
  next(iterator: number): Promise<{ xs: Tensor; ys: Tensor } | null>;
  /** The worker stopped reading this iterator before its end: let it release what it holds. */
  close(iterator: number): Promise<void>;
}

export interface WireHistory {
  epoch: number[];
  history: Record<string, number[]>;
  params: Record<string, number>;
}

/** The object serveModel exposes in the worker. */
export interface ModelService {
  open(options: unknown): Promise<RemoteModelInfo>;
  fit(x: Tensor, y: Tensor, args: WireArgs, hooks: string[][], events: FitEvents): Promise<WireHistory>;
  fitDataset(train: BatchSource, validation: BatchSource | [Tensor, Tensor] | null, args: WireArgs, hooks: string[][], events: FitEvents): Promise<WireHistory>;
  evaluate(x: Tensor, y: Tensor, args: { batchSize?: number }): Promise<number | number[]>;
  evaluateDataset(data: BatchSource, args: { batches?: number }): Promise<number | number[]>;
  predict(x: Tensor, args: { batchSize?: number }): Promise<Tensor>;
  predictStep(x: Tensor): Promise<Tensor>;
  fitRidge(x: Tensor, y: Tensor, options: RidgeOptions): Promise<RidgeResult>;
  resetStates(): void;
  getWeights(): Promise<Tensor[]>;
  setWeights(weights: Tensor[]): void;
  setStopTraining(value: boolean): void;
  save(options: SaveOptions): Promise<ModelArtifacts>;
  summary(): string;
  dispose(): void;
}

/** The service as the page calls it: every method answers asynchronously (Comlink's Remote, spelled out here). */
export type ServiceCalls = { [K in keyof ModelService]: (...args: Parameters<ModelService[K]>) => Promise<Awaited<ReturnType<ModelService[K]>>> };

/** Marks tensors (or artifacts) for transfer: their buffers move to the receiver instead of being copied. */
export function moving<T>(value: T, arrays: readonly ArrayBufferView[]): T {
  const buffers = [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
  return transfer(value, buffers);
}

export type { Logs };

interface Thrown {
  value: unknown;
}

type ThrowWire = { isError: true; value: SerializedError } | { isError: false; value: unknown };

/**
 * Comlink's own error transfer keeps a thrown error's name and message but makes it a plain Error: replaced once,
 * on each side, by one that keeps webrnn's classes (`e instanceof ValueError` holds on the page) and their fields.
 */
export function keepErrorClasses(): void {
  const current = transferHandlers.get('throw') as TransferHandler<Thrown, ThrowWire> & { webrnn?: true };
  if (current.webrnn) return;
  const handler: TransferHandler<Thrown, ThrowWire> & { webrnn: true } = {
    webrnn: true,
    canHandle: (value): value is Thrown => current.canHandle(value),
    serialize: ({ value }) => [value instanceof Error ? { isError: true, value: serializeError(value) } : { isError: false, value }, []],
    deserialize: (wire) => {
      throw wire.isError ? rebuildError(wire.value) : wire.value;
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
