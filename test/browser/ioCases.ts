/**
 * Harness cases for persistence in a real browser: IndexedDB round trips, corruption of the stored record,
 * a transaction that aborts after its write, downloads:// read back through the picked-files loader. Each
 * returns plain data (weights as base64); the assertions happen in test/io.gpu.test.ts.
 */
import { deleteIndexedDbModel, listIndexedDbModels, loadArtifacts, saveArtifacts, type ModelArtifacts } from '../../src/index';
import { openModelDb, STORE, type StoredModel } from '../../src/io/indexedDb';
import { sampleArtifacts } from '../support/ioFixtures';
import { caught, encode } from './harnessCore';

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
