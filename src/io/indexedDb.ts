/**
 * `indexeddb://name` in the browser. One object store, one record per model holding the model.json text and
 * the weights; a save is one put in one transaction, so it lands whole or not at all and never half-replaces
 * an earlier save. The database is webrnn's own ('webrnn'), not TF.js's ('tensorflowjs'); a load that finds no
 * model by that name there reads TF.js's database (src/io/tfjsStores.ts).
 */
import { ModelFormatError, ValueError, WebRnnError } from '../errors';
import { parseModelJson, fromModelJson, toModelJson, verifyArtifacts } from './modelJson';
import { listTfjsIndexedDbModels, loadFromTfjsIndexedDb } from './tfjsStores';
import type { ModelArtifacts } from './types';
import { describeValue } from './weights';

export const DB_NAME = 'webrnn';
export const STORE = 'models';
const DB_VERSION = 1;
const SCHEME = 'indexeddb://';

export interface StoredModel {
  name: string;
  modelJson: string;
  weights: ArrayBuffer;
  savedAt: string;
}

export interface StoredModelInfo {
  name: string;
  savedAt: string;
  weightsBytes: number;
}

export function openModelDb(): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') {
    throw new ValueError('indexeddb:// needs a browser with IndexedDB; in Node save with file://path');
  }
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'name' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new ValueError(`IndexedDB database "${DB_NAME}" is blocked by another tab holding an older version; close it and retry`));
  });
}

/** Runs `body` in one transaction and settles when the transaction completes (or aborts). */
async function inTransaction<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openModelDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = body(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onabort = () => reject(tx.error ?? request.error ?? new DOMException('the transaction was aborted', 'AbortError'));
    });
  } catch (e) {
    if ((e as DOMException).name === 'QuotaExceededError') {
      throw new ValueError(`IndexedDB is out of quota (${(e as Error).message}); delete old models with deleteIndexedDbModel() or free site storage`);
    }
    throw e;
  } finally {
    db.close();
  }
}

export function modelName(url: string): string {
  const name = url.slice(SCHEME.length);
  if (name === '') throw new ValueError(`${url} names no model; use indexeddb://my-model`);
  return name;
}

export async function saveToIndexedDb(url: string, artifacts: ModelArtifacts): Promise<void> {
  const record: StoredModel = {
    name: modelName(url),
    modelJson: JSON.stringify(toModelJson(artifacts, 'weights.bin')),
    weights: artifacts.weightData,
    savedAt: new Date().toISOString(),
  };
  try {
    await inTransaction('readwrite', (store) => store.put(record));
  } catch (e) {
    if (e instanceof WebRnnError) throw e;
    const { name, message } = e as Error;
    throw new WebRnnError(
      `saving ${url} failed (${name}: ${message}); the transaction rolled back, so a model saved earlier under this name is unchanged. Retry the save.`,
    );
  }
}

export async function loadFromIndexedDb(url: string): Promise<ModelArtifacts> {
  const name = modelName(url);
  const record = (await inTransaction('readonly', (store) => store.get(name))) as Partial<StoredModel> | undefined;
  if (record === undefined) {
    // A model TF.js saved (tfModel.save('indexeddb://name')) lives in TF.js's own database.
    const fromTfjs = await loadFromTfjsIndexedDb(url, name);
    if (fromTfjs) return fromTfjs;
    const saved = (await listIndexedDbModels()).map((m) => m.name);
    const tfjs = await listTfjsIndexedDbModels();
    throw new ModelFormatError(
      `${url}: existence check failed: no model is saved under "${name}" (saved: ${saved.length ? saved.join(', ') : 'none'}; saved by TF.js: ${tfjs.length ? tfjs.join(', ') : 'none'}). Save it first, or fix the name.`,
    );
  }
  const names = { json: `${url} (model.json)`, weights: `${url} (weights.bin)` };
  if (typeof record.modelJson !== 'string')
    throw new ModelFormatError(`${names.json}: record check failed: expected model.json text, got ${describeValue(record.modelJson)}. Re-save the model.`);
  if (!(record.weights instanceof ArrayBuffer))
    throw new ModelFormatError(`${names.weights}: record check failed: expected an ArrayBuffer, got ${describeValue(record.weights)}. Re-save the model.`);
  return verifyArtifacts(fromModelJson(parseModelJson(record.modelJson, names.json), record.weights), names);
}

export async function listIndexedDbModels(): Promise<StoredModelInfo[]> {
  const records = (await inTransaction('readonly', (store) => store.getAll())) as StoredModel[];
  return records.map(({ name, savedAt, weights }) => ({ name, savedAt, weightsBytes: weights?.byteLength ?? 0 }));
}

/** Deletes `indexeddb://name` (or a bare name); true when there was a model to delete. */
export async function deleteIndexedDbModel(urlOrName: string): Promise<boolean> {
  const name = urlOrName.startsWith(SCHEME) ? modelName(urlOrName) : urlOrName;
  return inTransaction('readwrite', (store) => {
    const request = store.count(name);
    request.onsuccess = () => {
      if (request.result > 0) store.delete(name);
    };
    return request;
  }).then((count) => count > 0);
}
