/**
 * Models that TF.js itself saved in this browser, read so that `loadLayersModel(rt, 'indexeddb://name')` and
 * `'localstorage://name'` find what `tfModel.save(...)` put there:
 *
 *   indexeddb://     TF.js's database 'tensorflowjs' (version 1), object store 'models_store', one record per
 *                    model { modelPath, modelArtifacts } with the weights joined into one ArrayBuffer.
 *   localstorage://  items 'tensorflowjs_models/<name>/<part>': info, model_topology and weight_specs (JSON),
 *                    weight_data (base64), model_metadata (JSON: format, generatedBy, trainingConfig, ...).
 *
 * Read only: webrnn saves into its own database (src/io/indexedDb.ts), so it never changes TF.js's stores. The
 * artifacts go through the same checks as any other source (verifyArtifacts).
 */
import { ModelFormatError, ValueError } from '../errors';
import { concatBuffers, verifyArtifacts } from './modelJson';
import type { ModelArtifacts } from './types';
import { describeValue } from './weights';

const TFJS_DB = 'tensorflowjs';
const TFJS_STORE = 'models_store';
const LOCAL_PREFIX = 'tensorflowjs_models/';

/**
 * Opens TF.js's database if it exists, else null. Opening a missing database would create it empty, and TF.js,
 * which creates its stores only on the first upgrade, could then never save: so a creation is aborted.
 */
function openTfjsDb(): Promise<IDBDatabase | null> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(TFJS_DB);
    request.onupgradeneeded = () => request.transaction?.abort();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => (request.error?.name === 'AbortError' ? resolve(null) : reject(request.error));
  });
}

/** The artifacts TF.js saved under `indexeddb://name`, or null when TF.js has none by that name. */
export async function loadFromTfjsIndexedDb(url: string, name: string): Promise<ModelArtifacts | null> {
  const db = await openTfjsDb();
  if (!db) return null;
  try {
    if (!db.objectStoreNames.contains(TFJS_STORE)) return null;
    const record = await new Promise<unknown>((resolve, reject) => {
      const request = db.transaction(TFJS_STORE, 'readonly').objectStore(TFJS_STORE).get(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    if (record === undefined) return null;
    const artifacts = (record as { modelArtifacts?: Record<string, unknown> }).modelArtifacts;
    const where = `${url} (TF.js's IndexedDB store)`;
    if (typeof artifacts !== 'object' || artifacts === null)
      throw new ModelFormatError(`${where}: record check failed: expected { modelPath, modelArtifacts }, got ${describeValue(record)}`);
    return verifyArtifacts({ ...artifacts, weightData: joined(artifacts.weightData, where) }, { json: where, weights: `${where} (weightData)` });
  } finally {
    db.close();
  }
}

/** The names of the models TF.js saved in its IndexedDB database (for "not found" messages). */
export async function listTfjsIndexedDbModels(): Promise<string[]> {
  const db = await openTfjsDb();
  if (!db) return [];
  try {
    if (!db.objectStoreNames.contains(TFJS_STORE)) return [];
    return await new Promise<string[]>((resolve, reject) => {
      const request = db.transaction(TFJS_STORE, 'readonly').objectStore(TFJS_STORE).getAllKeys();
      request.onsuccess = () => resolve(request.result.map(String));
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

/** TF.js 4 may keep weights as several ArrayBuffers; one is what the checks and the layers read. */
function joined(weightData: unknown, where: string): ArrayBuffer {
  if (weightData instanceof ArrayBuffer) return weightData;
  if (Array.isArray(weightData) && weightData.every((b) => b instanceof ArrayBuffer)) return concatBuffers(weightData);
  throw new ModelFormatError(`${where}: weights check failed: expected an ArrayBuffer, got ${describeValue(weightData)}`);
}

/** `localstorage://name`: a model TF.js saved in the page's localStorage. */
export async function loadFromTfjsLocalStorage(url: string): Promise<ModelArtifacts> {
  if (typeof localStorage === 'undefined') throw new ValueError(`${url}: localstorage:// needs a browser page; in Node load with file://path`);
  const name = url.slice('localstorage://'.length);
  if (name === '') throw new ValueError(`${url} names no model; use localstorage://my-model`);
  const item = (part: string) => localStorage.getItem(`${LOCAL_PREFIX}${name}/${part}`);
  const where = `${url} (TF.js's localStorage items)`;
  const json = (part: string): unknown => {
    const text = item(part);
    if (text === null) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new ModelFormatError(`${where}: JSON check failed: item '${part}' is not JSON (${describeValue(text.slice(0, 30))})`);
    }
  };
  if (item('info') === null) {
    const saved = Object.keys(localStorage)
      .filter((k) => k.startsWith(LOCAL_PREFIX) && k.endsWith('/info'))
      .map((k) => k.slice(LOCAL_PREFIX.length, -'/info'.length));
    throw new ModelFormatError(
      `${url}: existence check failed: TF.js saved no model under "${name}" in this page's localStorage (saved: ${saved.length ? saved.join(', ') : 'none'})`,
    );
  }
  const base64 = item('weight_data');
  if (base64 === null) throw new ModelFormatError(`${where}: weights check failed: the item 'weight_data' is missing`);
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  } catch {
    throw new ModelFormatError(`${where}: weights check failed: 'weight_data' is not base64`);
  }
  const metadata = (json('model_metadata') ?? {}) as Record<string, unknown>;
  return verifyArtifacts(
    { ...metadata, modelTopology: json('model_topology'), weightSpecs: json('weight_specs'), weightData: bytes.buffer },
    { json: where, weights: `${where} (weight_data)` },
  );
}
