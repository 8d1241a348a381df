/**
 * Harness cases for persistence in a real browser: IndexedDB round trips, corruption of the stored record,
 * a transaction that aborts after its write, downloads:// read back through the picked-files loader. Each
 * returns plain data (weights as base64); the assertions happen in test/io.gpu.test.ts.
 */
import {
  deleteIndexedDbModel,
  layers,
  listIndexedDbModels,
  loadArtifacts,
  loadLayersModel,
  loadOnnxModel,
  saveArtifacts,
  sequential,
  type ModelArtifacts,
} from '../../src/index';
import { openModelDb, STORE, type StoredModel } from '../../src/io/indexedDb';
import { sampleArtifacts } from '../support/ioFixtures';
import { seededRandom } from '../../src/layers/initializers';
import { caught, encode, rt } from './harnessCore';

/** Artifacts as JSON-safe data: weights as base64 of their bytes. */
function plain(a: ModelArtifacts) {
  return { ...a, weightData: encode(new Float32Array(a.weightData)) };
}

async function editRecord(name: string, edit: (r: StoredModel) => void): Promise<void> {
  const db = await openModelDb();
  const tx = db.transaction(STORE, 'readwrite');
  const store = tx.objectStore(STORE);
  const get = store.get(name);
  get.onsuccess = () => {
    edit(get.result as StoredModel);
    store.put(get.result);
  };
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onabort = () => reject(tx.error);
  });
  db.close();
}

export const ioCases = {
  /** A model trained on the GPU, then exported: test/onnx.gpu.test.ts runs the bytes in ONNX Runtime against these predictions. */
  async onnxOfTrainedModel() {
    const model = sequential(await rt(), { seed: 3 });
    try {
      model.add(layers.bidirectional({ layer: layers.gru({ units: 6, returnSequences: true }), inputShape: [7, 3] }));
      model.add(layers.lstm({ units: 5, activation: 'relu' }));
      model.add(layers.dense({ units: 2 }));
      model.compile({ optimizer: 'adam', loss: 'mse' });
      const random = seededRandom(4);
      const x = { data: Float32Array.from({ length: 8 * 7 * 3 }, () => random() * 2 - 1), shape: [8, 7, 3] };
      const y = { data: Float32Array.from({ length: 8 * 2 }, () => random()), shape: [8, 2] };
      await model.fit(x, y, { epochs: 3, batchSize: 4 });
      const predicted = await model.predict(x);
      const onnx = await model.toOnnx({ opset: 18 });
      let bin = '';
      for (let i = 0; i < onnx.length; i += 0x8000) bin += String.fromCharCode(...onnx.subarray(i, i + 0x8000));
      const refused = await caught(async () => {
        const masked = sequential(await rt());
        try {
          masked.add(layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 4, maskZero: true }));
          masked.add(layers.lstm({ units: 2 }));
          return await masked.toOnnx();
        } finally {
          masked.dispose();
        }
      });
      return { x: encode(x.data), predicted: encode(predicted.data), onnx: btoa(bin), refused };
    } finally {
      model.dispose();
    }
  },

  /** A Keras .h5 file (base64 bytes, as a picked File) loaded onto the GPU: its layers and predictions. */
  async kerasH5(h5: string, name: string, x: number[], shape: number[]) {
    const bytes = Uint8Array.from(atob(h5), (c) => c.charCodeAt(0));
    const model = await loadLayersModel(await rt(), [new File([bytes], name)]);
    try {
      const predicted = await model.predict({ data: Float32Array.from(x), shape });
      return { predicted: encode(predicted.data), shape: predicted.shape, layers: model.layers.map((l) => l.className) };
    } finally {
      model.dispose();
    }
  },

  /** A damaged Keras file that fails only when its weights meet the built model: the error, and the live buffers before and after. */
  async kerasH5Refused(h5: string, name: string) {
    const r = await rt();
    const before = r.stats.buffers;
    const bytes = Uint8Array.from(atob(h5), (c) => c.charCodeAt(0));
    const error = await caught(() => loadLayersModel(r, [new File([bytes], name)]));
    return { error, before, after: r.stats.buffers };
  },

  /** A torch.onnx.export graph (base64 bytes) loaded onto the GPU: its predictions, then one epoch of training. */
  async onnxImported(onnx: string, x: number[], shape: number[]) {
    const bytes = Uint8Array.from(atob(onnx), (c) => c.charCodeAt(0));
    const model = await loadOnnxModel(await rt(), new Blob([bytes]));
    try {
      const input = { data: Float32Array.from(x), shape };
      const predicted = await model.predict(input);
      const outputs = predicted.shape.slice(1).reduce((a, b) => a * b, 1);
      model.compile({ optimizer: 'adam', loss: 'mse' });
      const history = await model.fit(input, { data: new Float32Array(shape[0]! * outputs), shape: predicted.shape }, { epochs: 2, batchSize: 2 });
      return { predicted: encode(predicted.data), layers: model.layers.map((l) => l.className), loss: history.history.loss };
    } finally {
      model.dispose();
    }
  },

  /**
   * ONNX Runtime Web's WebGPU backend, in this page, on the exported bytes (base64): its output, or why it did not
   * load here. The bundle is served by the harness's Vite server from node_modules; its wasm beside it.
   */
  async onnxRuntimeWebgpu(onnx: string, x: number[], shape: number[]) {
    try {
      const url = '/node_modules/onnxruntime-web/dist/ort.webgpu.bundle.min.mjs';
      const ort = (await import(/* @vite-ignore */ url)) as typeof import('onnxruntime-web');
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
      const bytes = Uint8Array.from(atob(onnx), (c) => c.charCodeAt(0));
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] });
      const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(x), shape) });
      const data = (await out[session.outputNames[0]!]!.getData()) as Float32Array;
      await session.release();
      return { output: encode(data), failed: null };
    } catch (e) {
      return { output: null, failed: String((e as Error)?.message ?? e).slice(0, 300) };
    }
  },

  /** The other layers toOnnx writes, in one model, at opset 17 (Reduce* with axes as attributes). */
  async onnxOfLayerZoo() {
    const model = sequential(await rt(), { seed: 5 });
    try {
      model.add(layers.lstm({ units: 6, returnSequences: true, inputShape: [5, 3] }));
      model.add(layers.layerNormalization());
      model.add(layers.timeDistributed({ layer: layers.dense({ units: 4, activation: 'relu' }) }));
      model.add(layers.dropout({ rate: 0.3 }));
      model.add(layers.globalAveragePooling1d());
      model.add(layers.repeatVector({ n: 3 }));
      model.add(layers.bidirectional({ layer: layers.simpleRNN({ units: 3, returnSequences: true }), mergeMode: 'ave' }));
      model.add(layers.globalMaxPooling1d());
      model.add(layers.dense({ units: 2, activation: 'softmax' }));
      const random = seededRandom(6);
      // Weights away from the initializers' defaults (LayerNormalization's gamma 1, beta 0), so every one matters.
      model.setWeights((await model.getWeights()).map((w) => ({ data: w.data.map(() => random() - 0.5), shape: w.shape })));
      const x = { data: Float32Array.from({ length: 4 * 5 * 3 }, () => random() * 2 - 1), shape: [4, 5, 3] };
      const predicted = await model.predict(x);
      const onnx = await model.toOnnx({ opset: 17 });
      let bin = '';
      for (let i = 0; i < onnx.length; i += 0x8000) bin += String.fromCharCode(...onnx.subarray(i, i + 0x8000));
      return { x: encode(x.data), predicted: encode(predicted.data), onnx: btoa(bin) };
    } finally {
      model.dispose();
    }
  },

  async idbRoundTrip() {
    await saveArtifacts('indexeddb://io-a', sampleArtifacts(1));
    const result = await saveArtifacts('indexeddb://io-b', sampleArtifacts(2));
    const loaded = [await loadArtifacts('indexeddb://io-a'), await loadArtifacts('indexeddb://io-b')].map(plain);
    const listed = (await listIndexedDbModels()).map((m) => [m.name, m.weightsBytes]);
    const deleted = [await deleteIndexedDbModel('indexeddb://io-b'), await deleteIndexedDbModel('io-b')];
    const afterDelete = await caught(() => loadArtifacts('indexeddb://io-b'));
    await deleteIndexedDbModel('io-a');
    return { loaded, expected: [sampleArtifacts(1), sampleArtifacts(2)].map(plain), sha: result.weightsSha256, listed, deleted, afterDelete };
  },

  /** Each edit of the stored record must fail the load with the named check. */
  async idbCorruption() {
    const edits: Record<string, (r: StoredModel) => void> = {
      bitFlip: (r) => (new Uint8Array(r.weights)[17]! ^= 0x01),
      truncated: (r) => (r.weights = r.weights.slice(0, -4)),
      html: (r) => (r.modelJson = '<!doctype html><html><body>oops</body></html>'),
      version: (r) => (r.modelJson = r.modelJson.replace('"formatVersion":1', '"formatVersion":7')),
      duplicate: (r) => (r.modelJson = r.modelJson.replace('"dense/bias"', '"dense/kernel"')),
    };
    const results: Record<string, Awaited<ReturnType<typeof caught>>> = {};
    for (const [what, edit] of Object.entries(edits)) {
      await saveArtifacts('indexeddb://io-bad', sampleArtifacts());
      await editRecord('io-bad', edit);
      results[what] = await caught(() => loadArtifacts('indexeddb://io-bad'));
    }
    await deleteIndexedDbModel('io-bad');
    return results;
  },

  /** A save whose transaction aborts after the write must leave the earlier model in place. */
  async idbAbortedSave() {
    await saveArtifacts('indexeddb://io-abort', sampleArtifacts(1));
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      const request = put.apply(this, args);
      request.addEventListener('success', () => this.transaction.abort());
      return request;
    };
    let failed;
    try {
      failed = await caught(() => saveArtifacts('indexeddb://io-abort', sampleArtifacts(2)));
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    const loaded = plain(await loadArtifacts('indexeddb://io-abort'));
    await deleteIndexedDbModel('io-abort');
    return { failed, loaded, expected: plain(sampleArtifacts(1)) };
  },

  /** downloads:// without downloading: capture the two anchors, then load their blobs as picked files. */
  async downloadsThenPick() {
    const anchors: HTMLAnchorElement[] = [];
    const create = document.createElement;
    document.createElement = function (this: Document, tag: string, options?: ElementCreationOptions) {
      const element = create.call(this, tag, options);
      if (tag === 'a') {
        anchors.push(element as HTMLAnchorElement);
        element.dispatchEvent = () => true; // record only: no file lands in the browser's download folder
      }
      return element;
    } as typeof document.createElement;
    try {
      await saveArtifacts('downloads://my-model', sampleArtifacts());
    } finally {
      document.createElement = create;
    }
    const files = await Promise.all(anchors.map(async (a) => new File([await (await fetch(a.href)).blob()], a.download)));
    const manifestPaths = JSON.parse(await files[0]!.text()).weightsManifest[0].paths;
    const loaded = plain(await loadArtifacts(files));
    return { names: files.map((f) => f.name), manifestPaths, loaded, expected: plain(sampleArtifacts()) };
  },
};
