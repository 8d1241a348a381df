/**
 * Harness cases for remoteModel/serveModel: the same model trained in a worker and on the page, the callbacks as
 * the page sees them, datasets pulled from the page, errors that keep their class, save, and a worker that dies.
 * Each returns plain numbers and strings for test/remoteModel.gpu.test.ts to check.
 */
import {
  callbacks,
  loadLayersModel,
  memorySink,
  remoteModel,
  type Logs,
  type RemoteModel,
  type Sequential,
  type Tensor,
  type TrainableModel,
} from '../../src/index';
import { rt } from './harnessCore';
import { buildWorkerCaseModel, type WorkerCaseOptions } from './workerCaseModel';

const N = 16;
const X = Float32Array.from({ length: N * 10 }, (_, i) => Math.sin(i * 0.37));
const Y = Float32Array.from({ length: N }, (_, i) => (Math.cos(i * 0.9) > 0 ? 1 : 0));
const x = () => ({ data: X.slice(), shape: [N, 5, 2] });
const y = () => ({ data: Y.slice(), shape: [N, 1] });
const batches = [0, 4, 8, 12].map((s) => ({ xs: { data: X.slice(s * 10, (s + 4) * 10), shape: [4, 5, 2] }, ys: { data: Y.slice(s, s + 4), shape: [4, 1] } }));

function startWorker(): Worker {
  return new Worker(new URL('./modelWorker.ts', import.meta.url), { type: 'module' });
}

function open(options: WorkerCaseOptions): Promise<RemoteModel> {
  return remoteModel(startWorker(), options);
}

const flat = (ws: Tensor[]) => ws.map((w) => [...w.data]);
/** The error a call rejects with: its class name, message, whether it is an instance of that class, and its fields. */
async function caught(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (e) {
    const classes = (await import('../../src/errors')) as unknown as Record<string, new () => Error>;
    const cls = classes[(e as Error).name];
    const { epoch, batch } = e as { epoch?: number; batch?: number };
    return { name: (e as Error).name, message: (e as Error).message, instanceOfClass: cls ? e instanceof cls : null, epoch, batch };
  }
  throw new Error('expected an error; the call succeeded');
}

export const workerCases = {
  /** fit, callbacks, predict, evaluate and getWeights in a worker against the same calls on the page. */
  async remoteAgainstLocal() {
    const local: Sequential = buildWorkerCaseModel(await rt(), { seed: 7 });
    const remote = await open({ seed: 7 });
    const events: string[] = [];
    const epochLogs: Logs[] = [];
    const goodAtEpochEnd: number[] = [];
    const fitArgs = { epochs: 3, batchSize: 4, shuffle: false, validationSplit: 0.25 };
    const localHistory = await local.fit(x(), y(), fitArgs);
    const remoteHistory = await remote.fit(x(), y(), {
      ...fitArgs,
      callbacks: {
        onTrainBegin: () => void events.push('trainBegin'),
        onEpochBegin: (e) => void events.push(`epochBegin ${e}`),
        onBatchEnd: (b) => void events.push(`batch ${b}`),
        onEpochEnd: async (e, logs) => {
          await new Promise((r) => setTimeout(r, 5)); // an async hook is awaited before the next epoch
          events.push(`epochEnd ${e}`);
          epochLogs.push({ ...logs, acc: logs.acc! });
          goodAtEpochEnd.push(remote.getLastGoodWeights()?.epoch ?? -1); // as a local model: this epoch's already
        },
        onTrainEnd: () => void events.push('trainEnd'),
      },
    });
    const result = {
      info: {
        name: remote.name,
        inputShape: remote.inputShape,
        outputShape: remote.outputShape,
        params: remote.countParams(),
        adapter: remote.adapter.description,
      },
      events,
      epochLogs,
      history: { local: localHistory.history, remote: remoteHistory.history, remoteAcc: (remoteHistory.history as Record<string, number[]>).acc ?? null },
      weights: { local: flat(await local.getWeights()), remote: flat(await remote.getWeights()) },
      predict: { local: [...(await local.predict(x())).data], remote: [...(await remote.predict(x())).data] },
      evaluate: { local: await local.evaluate(x(), y()), remote: await remote.evaluate(x(), y()) },
      lastGoodEpoch: remote.getLastGoodWeights()?.epoch ?? null,
      goodAtEpochEnd,
      lastGoodMatches: JSON.stringify(flat(remote.getLastGoodWeights()?.weights ?? [])) === JSON.stringify(flat(await remote.getWeights())),
      summaryHasLstm: /lstm/i.test(await remote.summary(() => {})),
    };
    local.dispose();
    remote.dispose();
    return result;
  },

  /** fitRidge in a worker against the same call on the page. */
  async remoteRidge() {
    const local = buildWorkerCaseModel(await rt(), { seed: 5, echoState: true });
    const remote = await open({ seed: 5, echoState: true });
    const result = {
      fitted: { local: await local.fitRidge(x(), y(), { alpha: 0.01 }), remote: await remote.fitRidge(x(), y(), { alpha: 0.01 }) },
      weights: { local: flat(await local.getWeights()), remote: flat(await remote.getWeights()) },
    };
    local.dispose();
    remote.dispose();
    return result;
  },

  /** stopTraining from a page callback, setWeights, save and load, and the datasets a page passes. */
  async remoteControl() {
    const remote = await open({ seed: 3 });
    const stopped = await remote.fit(x(), y(), {
      epochs: 5,
      batchSize: 8,
      callbacks: {
        onEpochEnd: (e) => {
          if (e === 1) remote.stopTraining = true;
        },
      },
    });
    // setWeights, then predict sees them: zeros everywhere make the sigmoid output 0.5
    const zeros = (await remote.getWeights()).map((w) => ({ data: new Float32Array(w.data.length), shape: w.shape }));
    remote.setWeights(zeros);
    const afterZeros = [...(await remote.predict(x())).data];
    // what callbacks.earlyStopping does from a hook, through setModel: set weights and stop, before fit goes on
    let watched: TrainableModel | null = null;
    const restored = await remote.fit(x(), y(), {
      epochs: 5,
      batchSize: 8,
      callbacks: {
        setModel: (m) => void (watched = m),
        onEpochEnd: (e) => {
          if (e !== 1 || !watched) return;
          watched.setWeights(zeros);
          watched.stopTraining = true;
        },
      },
    });
    const afterRestore = [...(await remote.predict(x())).data];
    // batch-level progress from the worker: onBatchBegin as batches are queued, onBatchProgress as the GPU ends them
    const progress: string[] = [];
    await remote.fit(x(), y(), {
      epochs: 1,
      batchSize: 8,
      callbacks: { onBatchBegin: (b) => void progress.push(`begin ${b}`), onBatchProgress: (b, p) => void progress.push(`done ${b} size ${p.size}`) },
    });
    const stopper = callbacks.earlyStopping({ monitor: 'loss', baseline: 0, patience: 1 }); // a loss never below 0
    const early = await remote.fit(x(), y(), { epochs: 5, batchSize: 8, callbacks: stopper });
    // fitDataset from the page's batches against a page model's fitDataset on the same batches
    const local = buildWorkerCaseModel(await rt(), { seed: 4 });
    const fromDataset = await open({ seed: 4 });
    async function* stream() {
      for (;;) yield* batches;
    }
    const localH = await local.fitDataset(batches, { epochs: 2, validationData: batches });
    const remoteH = await fromDataset.fitDataset(stream(), { epochs: 2, batchesPerEpoch: 4, validationData: batches });
    const dataset = {
      weights: { local: flat(await local.getWeights()), remote: flat(await fromDataset.getWeights()) },
      loss: { local: localH.history.loss, remote: remoteH.history.loss },
      valLoss: { local: localH.history.val_loss, remote: remoteH.history.val_loss },
      evaluate: { local: await local.evaluateDataset(batches), remote: await fromDataset.evaluateDataset(batches) },
    };
    // save in the worker, files written on the page, loaded on the page: the same predictions
    const sink = memorySink();
    const saved = await fromDataset.save(sink);
    const loaded = await loadLayersModel(await rt(), sink.artifacts!);
    const reloaded = { remote: [...(await fromDataset.predict(x())).data], page: [...(await loaded.predict(x())).data] };
    // toOnnx through the worker (its artifacts, converted on the page) is the loaded copy's toOnnx, byte for byte
    const [remoteOnnx, pageOnnx] = [await fromDataset.toOnnx(), await loaded.toOnnx()];
    const onnx = { bytes: remoteOnnx.length, same: remoteOnnx.length === pageOnnx.length && remoteOnnx.every((b, i) => b === pageOnnx[i]) };
    local.dispose();
    loaded.dispose();
    remote.dispose();
    fromDataset.dispose();
    const afterDispose = await caught(() => remote.predict(x()));
    // dispose() while a fit runs: the fit rejects instead of waiting forever on the ended worker
    const busy = await open({ seed: 8 });
    const running = busy.fit(x(), y(), { epochs: 500, batchSize: 4 });
    await new Promise((r) => setTimeout(r, 200));
    busy.dispose();
    const disposedMidFit = await caught(() => running);
    // a page that listens late: the worker's first READY went unheard; the page's HELLO gets another
    const lateWorker = startWorker();
    await new Promise((r) => setTimeout(r, 1000));
    const late = await remoteModel(lateWorker, { seed: 2 });
    const lateParams = late.countParams();
    late.dispose();
    return {
      onnx,
      stoppedEpochs: stopped.epoch,
      afterZeros,
      restored: { epochs: restored.epoch, afterRestore },
      progress,
      early: { epochs: early.epoch, stoppedEpoch: stopper.stoppedEpoch },
      dataset,
      savedBytes: saved.modelArtifactsInfo.weightDataBytes,
      reloaded,
      afterDispose,
      disposedMidFit,
      lateParams,
    };
  },

  /** Errors thrown in the worker, by the page's dataset, by the builder, and by a worker that dies or never loads. */
  async remoteErrors() {
    const remote = await open({ seed: 5 });
    const before = flat(await remote.getWeights());
    const badShape = await caught(() => remote.fit({ data: new Float32Array(30), shape: [3, 5, 2] }, { data: new Float32Array(4), shape: [4, 1] }));
    const badOption = await caught(() => remote.fit(x(), y(), { epochs: -1 }));
    const badCallback = await caught(() => remote.fit(x(), y(), { callbacks: { onEpochEnd: 3 } as never }));
    // a weight of the wrong shape: setWeights cannot throw across the worker, so the next call does
    remote.setWeights([{ data: new Float32Array(3), shape: [3] }]);
    const badWeights = await caught(() => remote.predict(x()));
    const unchanged = JSON.stringify(flat(await remote.getWeights())) === JSON.stringify(before); // nothing trained
    async function* failing() {
      yield batches[0]!;
      throw new Error('disk read failed');
    }
    const throwingDataset = await caught(() => remote.fitDataset(failing(), { epochs: 1 }));
    remote.dispose();

    const builder = await caught(() => open({ seed: 1, failBuild: true }));

    // a worker that dies mid-fit: the fit rejects with a WorkerError, the last good epoch's weights stay on the page
    const worker = startWorker();
    const dying = await remoteModel(worker, { seed: 6 });
    const died = await caught(() =>
      dying.fit(x(), y(), {
        epochs: 50,
        batchSize: 8,
        callbacks: {
          onEpochEnd: (e) => {
            if (e === 1) worker.postMessage({ crashForTest: true });
          },
        },
      }),
    );
    const lastGood = dying.getLastGoodWeights();
    const afterDeath = await caught(() => dying.predict(x()));

    const broken = URL.createObjectURL(new Blob(['throw new Error("the worker script failed as it loaded");'], { type: 'text/javascript' }));
    const neverLoads = await caught(() => remoteModel(new Worker(broken, { type: 'module' }), {}));
    URL.revokeObjectURL(broken);
    const notAWorker = await caught(() => remoteModel({} as never));
    return {
      badShape,
      badOption,
      badCallback,
      badWeights,
      throwingDataset,
      unchanged,
      builder,
      died,
      lastGood: lastGood && { epoch: lastGood.epoch, shapes: lastGood.weights.map((w) => w.shape) },
      afterDeath,
      neverLoads,
      notAWorker,
    };
  },
};
