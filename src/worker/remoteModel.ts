/**
 * The page's half: `await remoteModel(worker, options)` asks a worker running serveModel (src/worker/serveModel.ts)
 * to build its model, and returns a RemoteModel with Sequential's async API. Training runs in the worker; the
 * page's main thread only receives callbacks, so it stays free to draw and respond.
 *
 *   const worker = new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module' });
 *   const model = await remoteModel(worker, { units: 50 });
 *   await model.fit(x, y, { epochs: 5, callbacks: { onEpochEnd: (e, logs) => draw(logs.loss) } });
 *   const yHat = await model.predict(x);
 *   await model.save('indexeddb://forecast');
 *   model.dispose(); // ends the worker too
 *
 * Inputs are copied to the worker (the page's arrays stay usable, as after a local fit); what comes back
 * (predictions, weights, saved artifacts) is transferred. Errors keep their class: a ValueError in the worker is
 * a ValueError here. If the worker stops with an uncaught error, every pending and later call rejects with a
 * WorkerError, and getLastGoodWeights() still holds the weights after the last good epoch.
 */
import { proxy, releaseProxy, wrap } from 'comlink';
import type { RidgeOptions, RidgeResult } from '../model/ridge';
import { DisposedError, ValueError, WorkerError } from '../errors';
import { saveArtifacts } from '../io/artifacts';
import type { ArtifactsSink, SaveResult } from '../io/types';
import { TRAINING_HOOKS, checkCallbacks, type Callback, type History, type TrainableModel } from '../model/callbacks';
import { checkDataset, closeIterator, openDataset, validationPair, type BatchIterator, type Dataset, type FitDatasetArgs } from '../model/dataset';
import type { LastGoodWeights } from '../model/epochEnd';
import type { FitArgs } from '../model/fitArgs';
import type { SaveOptions } from '../model/save';
import { artifactsToOnnx, type OnnxExportOptions } from '../io/onnx/index';
import { addTfjsAliases } from '../model/training';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import {
  HELLO,
  READY,
  keepErrorClasses,
  type BatchSource,
  type FitEvents,
  type ModelService,
  type RemoteModelInfo,
  type ServiceCalls,
  type WireHistory,
} from './wire';

/** What remoteModel needs of a worker: a dedicated Web Worker (or anything with its messaging and error events). */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message' | 'error' | 'messageerror', listener: (event: Event) => void): void;
  removeEventListener(type: 'message' | 'error' | 'messageerror', listener: (event: Event) => void): void;
  terminate(): void;
}

export async function remoteModel(worker: WorkerLike, options?: unknown): Promise<RemoteModel> {
  if (typeof worker !== 'object' || worker === null || typeof worker.postMessage !== 'function' || typeof worker.terminate !== 'function') {
    throw new ValueError(
      `remoteModel expects a Worker running serveModel, e.g. new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module' }); got ${worker === null ? 'null' : typeof worker}`,
    );
  }
  keepErrorClasses();
  const link = new WorkerLink(worker);
  try {
    const info = await link.call((s) => s.open(options));
    return new RemoteModel(link, info);
  } catch (e) {
    link.end();
    throw e;
  }
}

/** The connection to one worker: every call races the worker's death, so none waits forever on a dead worker. */
class WorkerLink {
  readonly service: ServiceCalls;
  private failure: WorkerError | null = null;
  private readonly failed: Promise<never>;
  private readonly reject: (e: Error) => void;
  private readonly onError: (event: Event) => void;
  /** Settles once the worker's serveModel listens (wire.ts: the handshake). */
  private readonly ready: Promise<void>;
  private ended = false;

  constructor(readonly worker: WorkerLike) {
    this.service = wrap<ModelService>(worker) as unknown as ServiceCalls;
    let fail!: (e: Error) => void;
    this.failed = new Promise<never>((_, reject) => (fail = reject));
    this.reject = fail;
    this.failed.catch(() => {}); // observed through the calls; never an unhandled rejection by itself
    this.onError = (event: Event) => {
      event.preventDefault(); // reported through the rejected calls instead of as an uncaught error
      const what = event instanceof ErrorEvent && event.message ? event.message : 'the worker script failed to load or threw outside any call';
      this.failure = new WorkerError(
        `the model's worker stopped: ${what}. It has been terminated; make a new Worker and remoteModel() to go on ` +
          '(getLastGoodWeights() holds the weights after the last good epoch)',
      );
      fail(this.failure);
      this.end();
    };
    worker.addEventListener('error', this.onError);
    this.ready = new Promise<void>((resolve) => {
      const onReady = (event: Event) => {
        if ((event as MessageEvent).data?.webrnn !== READY) return;
        worker.removeEventListener('message', onReady);
        resolve();
      };
      worker.addEventListener('message', onReady);
    });
    worker.postMessage({ webrnn: HELLO }, []);
  }

  /** Runs one call on the worker's service once it listens, or rejects with a WorkerError if the worker dies first. */
  call<T>(body: (service: ServiceCalls) => Promise<T>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.reject(new DisposedError('the remote model was disposed; make a new one with remoteModel(new Worker(...))'));
    return Promise.race([this.ready.then(() => body(this.service)), this.failed]);
  }

  /** Ends the worker (once: a dying worker ends itself, and the caller may end it again). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.worker.removeEventListener('error', this.onError);
    (this.service as unknown as { [releaseProxy](): void })[releaseProxy]();
    this.worker.terminate();
    // A call still running (a fit when dispose() came) would otherwise wait forever on the terminated worker.
    this.reject(this.failure ?? new DisposedError('the remote model was disposed while this call was running'));
  }

  get dead(): WorkerError | null {
    return this.failure;
  }
}

/** A model that lives in a worker: Sequential's async methods, run there. */
export class RemoteModel implements TrainableModel {
  readonly name: string;
  readonly adapter: RemoteModelInfo['adapter'];
  readonly inputShape: number[];
  readonly outputShape: number[];
  private stop = false;
  private disposed = false;
  private lastGood: LastGoodWeights | null = null;
  private readonly paramCount: number;
  private pendingSet: Promise<void> | null = null;
  private pendingStop: Promise<void> | null = null;

  constructor(
    private readonly link: WorkerLink,
    info: RemoteModelInfo,
  ) {
    this.name = info.name;
    this.adapter = info.adapter;
    this.inputShape = info.inputShape;
    this.outputShape = info.outputShape;
    this.paramCount = info.params;
  }

  /** As Sequential's: set it (from a callback, say) and the worker's fit stops after the current epoch. */
  get stopTraining(): boolean {
    return this.stop;
  }

  set stopTraining(value: boolean) {
    this.stop = value;
    if (this.live('stopTraining')) this.pendingStop = this.link.call((s) => s.setStopTraining(value)).catch(() => {});
  }

  async fit(x: TensorLike, y: TensorLike, args: FitArgs = {}): Promise<History> {
    this.live('fit');
    const { callbacks, validationData, ...rest } = args;
    const list = checkCallbacks(callbacks);
    const wire = {
      ...rest,
      ...(validationData ? { validationData: [toTensor(validationData[0], 'validationData[0]'), toTensor(validationData[1], 'validationData[1]')] } : {}),
    };
    return this.training(list, (hooks, events) => this.link.call((s) => s.fit(toTensor(x, 'x'), toTensor(y, 'y'), wire, hooks, events)));
  }

  /** fitDataset with a page-side dataset: the worker pulls each batch from the page as it needs it. */
  async fitDataset(dataset: Dataset, args: FitDatasetArgs = {}): Promise<History> {
    this.live('fitDataset');
    checkDataset(dataset, 'fitDataset');
    const { callbacks, validationData, ...rest } = args;
    const list = checkCallbacks(callbacks);
    const pair = validationPair(validationData);
    const validation =
      validationData === undefined || validationData === null
        ? null
        : pair
          ? ([toTensor(pair[0], 'validationData[0]'), toTensor(pair[1], 'validationData[1]')] as [Tensor, Tensor])
          : batchSource(validationData as Dataset, 'fitDataset validationData');
    return this.training(list, (hooks, events) => this.link.call((s) => s.fitDataset(batchSource(dataset, 'fitDataset'), validation, rest, hooks, events)));
  }

  async evaluate(x: TensorLike, y: TensorLike, args: { batchSize?: number } = {}): Promise<number | number[]> {
    await this.before('evaluate');
    return this.link.call<number | number[]>((s) => s.evaluate(toTensor(x, 'x'), toTensor(y, 'y'), args));
  }

  async evaluateDataset(dataset: Dataset, args: { batches?: number } = {}): Promise<number | number[]> {
    await this.before('evaluateDataset');
    checkDataset(dataset, 'evaluateDataset');
    return this.link.call<number | number[]>((s) => s.evaluateDataset(batchSource(dataset, 'evaluateDataset'), args));
  }

  async predict(x: TensorLike, args: { batchSize?: number } = {}): Promise<Tensor> {
    await this.before('predict');
    return this.link.call((s) => s.predict(toTensor(x, 'x'), args));
  }

  async predictStep(x: TensorLike): Promise<Tensor> {
    await this.before('predictStep');
    return this.link.call((s) => s.predictStep(toTensor(x, 'x')));
  }

  /** Sequential.fitRidge in the worker: the closed-form readout of an echo-state network. */
  async fitRidge(x: TensorLike, y: TensorLike, options: RidgeOptions = {}): Promise<RidgeResult> {
    await this.before('fitRidge');
    return this.link.call((s) => s.fitRidge(toTensor(x, 'x'), toTensor(y, 'y'), options));
  }

  async resetStates(): Promise<void> {
    await this.before('resetStates');
    await this.link.call((s) => s.resetStates());
  }

  async getWeights(): Promise<Tensor[]> {
    await this.before('getWeights');
    return this.link.call((s) => s.getWeights());
  }

  /** Sends the weights to the worker; calls made after it (a fit, a predict) see them. */
  setWeights(weights: TensorLike[]): void {
    this.live('setWeights');
    if (!Array.isArray(weights)) throw new ValueError(`setWeights expects an array of tensors, one per weight; got ${typeof weights}`);
    const tensors = weights.map((w, i) => toTensor(w, `weights[${i}]`));
    // Messages reach the worker in order, so the next call runs after these weights are set; a bad weight's
    // error comes back with the next call's answer too.
    this.pendingSet = this.link.call((s) => s.setWeights(tensors));
    this.pendingSet.catch(() => {});
  }

  /** Waits for the last setWeights (it rejects as Sequential's setWeights throws: ShapeError, ValueError). */
  async weightsSet(): Promise<void> {
    const pending = this.pendingSet;
    this.pendingSet = null;
    await pending;
  }

  /** Saves where the page can ('downloads://', 'indexeddb://', 'localstorage://', a sink): the worker sends the files. */
  async save(destination: string | ArtifactsSink, options: SaveOptions = {}): Promise<SaveResult> {
    await this.before('save');
    const artifacts = await this.link.call((s) => s.save(options));
    return saveArtifacts(destination, artifacts);
  }

  /** The model as ONNX bytes, as Sequential.toOnnx: the worker sends its artifacts, the page converts them. */
  async toOnnx(options: OnnxExportOptions = {}): Promise<Uint8Array> {
    await this.before('toOnnx');
    const artifacts = await this.link.call((s) => s.save({}));
    return artifactsToOnnx(artifacts, options);
  }

  /** The weights after the last epoch that ended with a finite loss, kept on the page (even after the worker died). */
  getLastGoodWeights(): LastGoodWeights | null {
    return this.lastGood;
  }

  async summary(printFn: (line: string) => void = console.log): Promise<string> {
    await this.before('summary');
    const text = await this.link.call((s) => s.summary());
    text.split('\n').forEach((line) => printFn(line));
    return text;
  }

  countParams(): number {
    return this.paramCount;
  }

  /** Frees the model and its runtime in the worker, then ends the worker. Calls after it throw DisposedError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.link.dead) {
      const end = () => this.link.end();
      void this.link.call((s) => s.dispose()).then(end, end);
    }
  }

  /** live(), then the last setWeights settled: a weight it refused fails the next call, as Sequential's would have. */
  private async before(what: string): Promise<void> {
    this.live(what);
    await this.weightsSet();
  }

  private live(what: string): true {
    if (this.disposed) throw new DisposedError(`${what} on a disposed remote model; make a new one with remoteModel(new Worker(...))`);
    const dead = this.link.dead;
    if (dead) throw dead;
    return true;
  }

  private async training(list: Callback[], run: (hooks: string[][], events: FitEvents) => Promise<WireHistory>): Promise<History> {
    await this.weightsSet();
    list.forEach((cb) => cb.setModel?.(this));
    const hooks = list.map((cb) => TRAINING_HOOKS.filter((h) => typeof cb[h] === 'function'));
    const events: FitEvents = {
      call: async (i, hook, args) => {
        const [first, second] = args;
        for (const a of args) if (typeof a === 'object' && a !== null) addTfjsAliases(a as Record<string, unknown>);
        await (list[i] as Record<string, (a: unknown, b: unknown) => unknown>)[hook]!.call(list[i], first, second);
        // What the hook asked of the model (stopTraining, setWeights) travels on the worker's own port, this reply
        // on the hooks' port, and ports keep no order between them: the reply waits until the worker has done it.
        // A weight the worker refused fails this fit, as a local setWeights would have thrown in the hook.
        await this.pendingStop;
        await this.weightsSet();
      },
      lastGood: (weights) => {
        this.lastGood = weights;
      },
    };
    this.stop = false;
    const history = await run(hooks, proxy(events));
    addTfjsAliases(history.history);
    return history as History;
  }
}

/**
 * A page-side dataset as a BatchSource the worker pulls from. Batches are made float32 tensors here; the worker's
 * fitDataset checks them and wraps an iterator's error with the epoch and batch, as a local fitDataset does.
 */
function batchSource(dataset: Dataset, where: string): BatchSource {
  const iterators = new Map<number, BatchIterator>();
  let nextId = 0;
  return proxy({
    async open() {
      const id = nextId++;
      iterators.set(id, await openDataset(dataset, where));
      return id;
    },
    async close(id: number) {
      await closeIterator(iterators.get(id));
      iterators.delete(id);
    },
    async next(id: number) {
      const result = await iterators.get(id)!.next();
      if (result.done) {
        iterators.delete(id);
        return null;
      }
      const batch = result.value as unknown;
      if (typeof batch !== 'object' || batch === null || !('xs' in batch) || !('ys' in batch)) return batch as never; // the worker names what it got
      const { xs, ys } = batch as { xs: TensorLike; ys: TensorLike };
      return { xs: toTensor(xs, `${where} xs`), ys: toTensor(ys, `${where} ys`) };
    },
  } satisfies BatchSource);
}
