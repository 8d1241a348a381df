/**
 * Corrupt files through the model-level load (loadLayersModel) and saves that fail midway through model.save:
 * every corruption is a ModelFormatError naming its check, a failed load leaves no GPU buffer behind, and a
 * failed save leaves both the previously saved model and the model in memory as they were.
 */
import { deleteIndexedDbModel, layers, loadLayersModel, memorySink, sequential, type ModelArtifacts, type Tensor } from '../../src/index';
import { caught, rt } from './harnessCore';

const X: Tensor = { data: Float32Array.from({ length: 6 * 6 }, (_, i) => Math.cos(i)), shape: [6, 3, 2] };
const Y: Tensor = { data: Float32Array.from({ length: 6 }, (_, i) => 0.2 * i), shape: [6, 1] };

const same = (a: Tensor[], b: Tensor[]) => a.length === b.length && a.every((w, i) => w.data.every((v, j) => Object.is(v, b[i]!.data[j])));

function edited(good: ModelArtifacts, edit: (a: ModelArtifacts) => void): ModelArtifacts {
  const copy = structuredClone(good);
  edit(copy);
  return copy;
}

export const persistenceCases = {
  async modelFileFaults() {
    const r = await rt();
    const model = sequential(r, { seed: 51, name: 'reliability' });
    model.add(layers.lstm({ units: 4, inputShape: [3, 2], name: 'lstm' }));
    model.add(layers.dense({ units: 1, name: 'dense' }));
    model.compile({ optimizer: 'adam', loss: 'mse' });
    await model.fit(X, Y, { epochs: 1 });
    const saved = await model.getWeights();
    const sink = memorySink();
    await model.save(sink);
    const good = sink.artifacts!;
    const record = good.userDefinedMetadata!.webrnn as Record<string, unknown>;
    const withoutRecord = (a: ModelArtifacts) => delete a.userDefinedMetadata; // as TF.js writes files: no hash

    const baseline = r.stats.buffers;
    const variants: Record<string, ModelArtifacts> = {
      truncated: { ...good, weightData: good.weightData.slice(0, -8) },
      bitFlip: edited(good, (a) => (new Uint8Array(a.weightData)[13]! ^= 0x01)),
      html: { ...good, weightData: new TextEncoder().encode('<!doctype html><html><body>Sign in</body></html>').buffer as ArrayBuffer },
      formatVersion: edited(good, (a) => (a.userDefinedMetadata!.webrnn = { ...record, formatVersion: 2 })),
      shape: edited(good, (a) => (a.weightSpecs[0]!.shape = [2, 8])),
      shapeWithoutHash: edited(good, (a) => {
        withoutRecord(a);
        a.weightSpecs[0]!.shape = [16, 2]; // same byte count: only the model can tell
      }),
      name: edited(good, (a) => (a.weightSpecs[0]!.name = 'lstm/kernal')),
      unknownFormat: edited(good, (a) => (a.format = 'graph-model' as never)),
    };
    const errors: Record<string, Awaited<ReturnType<typeof caught>>> = {};
    for (const [k, v] of Object.entries(variants)) errors[k] = await caught(() => loadLayersModel(r, v));
    const leftBehind = r.stats.buffers - baseline;
    const reloaded = await loadLayersModel(r, good);
    const reloadedSame = same(await reloaded.getWeights(), saved);
    reloaded.dispose();

    // A save that fails midway: the IndexedDB transaction aborts after its write.
    const url = 'indexeddb://webrnn-reliability';
    await model.save(url);
    await model.fit(X, Y, { epochs: 2 });
    const trained = await model.getWeights();
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      const request = put.apply(this, args);
      request.addEventListener('success', () => this.transaction.abort());
      return request;
    };
    let failedSave;
    try {
      failedSave = await caught(() => model.save(url));
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    // ... and a custom destination that throws halfway through receiving the artifacts.
    const failedSink = await caught(() => model.save({ save: () => Promise.reject(new Error('disk full after 3 of 5 chunks')) }));
    const previous = await loadLayersModel(r, url);
    const previousIntact = same(await previous.getWeights(), saved);
    previous.dispose();
    await deleteIndexedDbModel('webrnn-reliability');
    const inMemoryIntact = same(await model.getWeights(), trained);
    const stillTrains = (await model.fit(X, Y, { epochs: 1 })).history.loss!.every(Number.isFinite);
    model.dispose();
    return { errors, leftBehind, reloadedSame, failedSave, failedSink, previousIntact, inMemoryIntact, stillTrains };
  },
};
