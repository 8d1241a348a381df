/**
 * The worker's half of remoteModel: `serveModel(build)` in a dedicated Web Worker makes a runtime there (WebGPU
 * works in dedicated workers), builds the model with the page's options when the page asks, and answers the
 * page's fit, predict, save… calls. Training then runs in the worker, and the page's main thread stays free.
 *
 *   // model.worker.ts
 *   import { serveModel, sequential, layers } from 'webrnn';
 *   serveModel((rt, { units }) => {
 *     const model = sequential(rt, { seed: 42 });
 *     model.add(layers.lstm({ units, inputShape: [60, 1] })).add(layers.dense({ units: 1 }));
 *     model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
 *     return model;
 *   });
 *
 * The page's callbacks run on the page: the worker calls each hook the page's callbacks have and awaits it, so a
 * callback that sets `model.stopTraining` stops training as it does in the page's own fit.
 */
import { expose, releaseProxy, type Endpoint, type Remote } from 'comlink';
import { ValueError } from '../errors';
import type { RidgeOptions, RidgeResult } from '../model/ridge';
import { createRuntime, type Runtime, type RuntimeOptions } from '../gpu/runtime';
import { memorySink } from '../io/artifacts';
import type { Batch, BatchIterator, Dataset } from '../model/dataset';
import type { Callback, History, Logs } from '../model/callbacks';
import { Sequential } from '../model/sequential';
import type { Tensor } from '../tensor';
import {
  HELLO,
  READY,
  keepErrorClasses,
  moving,
  type BatchSource,
  type FitEvents,
  type ModelService,
  type RemoteModelInfo,
  type WireArgs,
  type WireHistory,
} from './wire';

export type ModelBuilder<Options> = (rt: Runtime, options: Options) => Sequential | Promise<Sequential>;

/** Where serveModel listens: the worker's global scope by default, or a MessagePort. */
export interface ServeEndpoint {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject): void;
}

export function serveModel<Options = unknown>(build: ModelBuilder<Options>, runtimeOptions: RuntimeOptions = {}, endpoint?: ServeEndpoint): void {
  if (typeof build !== 'function') {
    throw new ValueError(`serveModel expects a function (rt, options) => model that builds and compiles the model; got ${typeof build}`);
  }
  keepErrorClasses();
  const port = (endpoint ?? globalThis) as Endpoint;
  expose(new ModelServer(build, runtimeOptions), port);
  port.addEventListener('message', (event) => {
    if ((event as MessageEvent).data?.webrnn === HELLO) port.postMessage({ webrnn: READY });
  });
  port.postMessage({ webrnn: READY });
}

class ModelServer<Options> implements ModelService {
  private model: Sequential | null = null;
  private rt: Runtime | null = null;

  constructor(
    private readonly build: ModelBuilder<Options>,
    private readonly runtimeOptions: RuntimeOptions,
  ) {}

  private get built(): Sequential {
    if (!this.model) throw new ValueError('the worker has no model yet: remoteModel() opens it before any call');
    return this.model;
  }

  async open(options: unknown): Promise<RemoteModelInfo> {
    if (this.model) throw new ValueError('this worker already serves a model; start a new Worker for another one');
    this.rt = await createRuntime(this.runtimeOptions);
    const model = await this.build(this.rt, options as Options);
    if (!(model instanceof Sequential)) {
      throw new ValueError(`serveModel's builder must return a model made with sequential(rt); got ${model === null ? 'null' : typeof model}`);
    }
    if (model.isGraph)
      throw new ValueError(
        `serveModel's builder returned the functional model '${model.name}'; workers serve Sequential models for now: train a functional model on the page (as demo/translate does)`,
      );
    this.model = model;
    return { name: model.name, adapter: this.rt.adapter, inputShape: model.inputShape, outputShape: model.outputShape, params: model.countParams() };
  }

  async fit(x: Tensor, y: Tensor, args: WireArgs, hooks: string[][], events: Remote<FitEvents>): Promise<WireHistory> {
    try {
      return plainHistory(await this.built.fit(x, y, { ...args, callbacks: this.callbacks(hooks, events) }));
    } finally {
      void events[releaseProxy]();
    }
  }

  async fitDataset(
    train: Remote<BatchSource>,
    validation: Remote<BatchSource> | [Tensor, Tensor] | null,
    args: WireArgs,
    hooks: string[][],
    events: Remote<FitEvents>,
  ): Promise<WireHistory> {
    try {
      const validationData = validation === null ? undefined : Array.isArray(validation) ? validation : pulled(validation);
      return plainHistory(await this.built.fitDataset(pulled(train), { ...args, validationData, callbacks: this.callbacks(hooks, events) }));
    } finally {
      for (const p of [train, validation, events]) if (p && !Array.isArray(p)) void p[releaseProxy]();
    }
  }

  evaluate(x: Tensor, y: Tensor, args: { batchSize?: number }): Promise<number | number[]> {
    return this.built.evaluate(x, y, args);
  }

  async evaluateDataset(data: Remote<BatchSource>, args: { batches?: number }): Promise<number | number[]> {
    try {
      return await this.built.evaluateDataset(pulled(data), args);
    } finally {
      void data[releaseProxy]();
    }
  }

  async predict(x: Tensor, args: { batchSize?: number }): Promise<Tensor> {
    const y = await this.built.predict(x, args);
    return moving(y, [y.data]);
  }

  async predictStep(x: Tensor): Promise<Tensor> {
    const y = await this.built.predictStep(x);
    return moving(y, [y.data]);
  }

  fitRidge(x: Tensor, y: Tensor, options: RidgeOptions): Promise<RidgeResult> {
    return this.built.fitRidge(x, y, options);
  }

  resetStates(): void {
    this.built.resetStates();
  }

  async getWeights(): Promise<Tensor[]> {
    const weights = await this.built.getWeights();
    return moving(
      weights,
      weights.map((w) => w.data),
    );
  }

  setWeights(weights: Tensor[]): void {
    this.built.setWeights(weights);
  }

  setStopTraining(value: boolean): void {
    this.built.stopTraining = value;
  }

  async save(options: Parameters<Sequential['save']>[1]): Promise<import('../io/types').ModelArtifacts> {
    const sink = memorySink();
    await this.built.save(sink, options);
    const artifacts = sink.artifacts!;
    return artifacts.weightData ? moving(artifacts, [new Uint8Array(artifacts.weightData)]) : artifacts;
  }

  summary(): string {
    return this.built.summary(() => {});
  }

  dispose(): void {
    this.model?.dispose();
    this.rt?.dispose();
    this.model = null;
    this.rt = null;
  }

  /**
   * The page's callbacks as worker-side ones: each hook the page's callback has, awaiting the page; and, first, one
   * that sends the page each epoch's last good weights (fit read them back already, so this costs no readback).
   * First, and over the same port as the hooks: the page holds an epoch's weights before its onEpochEnd runs, as a
   * local model does, and before anything that hook does can kill the worker.
   */
  private callbacks(hooks: string[][], events: Remote<FitEvents>): Callback[] {
    const model = this.built;
    const forwarded = hooks.map((names, i) =>
      Object.fromEntries(names.map((hook) => [hook, (...args: unknown[]) => events.call(i, hook, args.map(plainLogs))])),
    ) as Callback[];
    let sent = -1;
    const mirror: Callback = {
      onEpochEnd: () => {
        const good = model.getLastGoodWeights();
        if (!good || good.epoch === sent) return;
        sent = good.epoch;
        const copy = { epoch: good.epoch, weights: good.weights.map((w) => ({ data: w.data.slice(), shape: [...w.shape] })) };
        void events.lastGood(
          moving(
            copy,
            copy.weights.map((w) => w.data),
          ),
        );
      },
    };
    return [mirror, ...forwarded];
  }
}

/** A page-side dataset as the worker's model reads one: every iterator() opens a fresh one on the page. */
function pulled(source: Remote<BatchSource>): Dataset {
  return {
    async iterator(): Promise<BatchIterator> {
      const id = await source.open();
      return {
        async next(): Promise<IteratorResult<Batch>> {
          const batch = await source.next(id);
          return batch ? { value: batch, done: false } : { value: undefined, done: true };
        },
        async return(): Promise<IteratorResult<Batch>> {
          await source.close(id);
          return { value: undefined, done: true };
        },
      };
    },
  };
}

/** Logs as plain numbers: TF.js's acc/val_acc aliases are getters that do not survive a structured clone. */
function plainLogs(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? { ...(value as Logs) } : value;
}

function plainHistory(h: History): WireHistory {
  return { epoch: [...h.epoch], history: { ...h.history }, params: { ...h.params } };
}
