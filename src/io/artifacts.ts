/**
 * saveArtifacts / loadArtifacts: the persistence entry points a model's save() and loadModel() call. A
 * destination or source is a URL whose scheme picks the handler (the schemes TF.js uses), an in-memory
 * object, or, for loads, the File objects a user picked.
 */
import { ValueError } from '../errors';
import { loadFromPickedFiles } from './browserFiles';
import { saveToDownloads } from './downloads';
import { loadFromDirectory, saveToDirectory } from './fileSystem';
import { isHttpSource, loadFromHttp } from './http';
import { loadFromTfjsLocalStorage } from './tfjsStores';
import { loadFromIndexedDb, saveToIndexedDb } from './indexedDb';
import { artifactsInfo, stampArtifacts, verifyArtifacts } from './modelJson';
import type { ArtifactsSink, ModelArtifacts, SaveResult } from './types';
import { describeValue } from './weights';

type Handler = (url: string, artifacts: ModelArtifacts) => Promise<void>;

const SAVERS: Record<string, Handler> = { 'indexeddb://': saveToIndexedDb, 'downloads://': saveToDownloads, 'file://': saveToDirectory };
const LOADERS: Record<string, (url: string) => Promise<ModelArtifacts>> = {
  'indexeddb://': loadFromIndexedDb,
  'file://': loadFromDirectory,
  // TF.js's own localStorage layout (read only: webrnn saves to IndexedDB).
  'localstorage://': loadFromTfjsLocalStorage,
};

function route<T>(table: Record<string, T>, url: string, what: string): T {
  const scheme = Object.keys(table).find((s) => url.startsWith(s));
  if (scheme) return table[scheme]!;
  const hint = url.startsWith('downloads://') ? ' downloads:// only saves; load the downloaded files with loadArtifacts([jsonFile, weightsFile]).' : '';
  throw new ValueError(
    `cannot ${what} ${JSON.stringify(url)}: supported schemes are ${Object.keys(table)
      .map((s) => `${s}…`)
      .join(', ')} (file:// in Node only)${what === 'load from' ? ', and http(s):// or relative URLs of a model.json' : ''}.${hint}`,
  );
}

/**
 * Checks `artifacts`, stamps them with the weights' byte length and SHA-256, and saves them. A sink receives
 * the stamped artifacts, so handing them to loadArtifacts later verifies the hash.
 */
export async function saveArtifacts(destination: string | ArtifactsSink, artifacts: ModelArtifacts): Promise<SaveResult> {
  if (typeof destination !== 'string' && typeof destination?.save !== 'function') {
    throw new ValueError(
      `saveArtifacts expects a URL (indexeddb://name, downloads://name, file://path) or an object with save(artifacts); got ${describeValue(destination)}`,
    );
  }
  const save = typeof destination === 'string' ? route(SAVERS, destination, 'save to') : null;
  const { artifacts: stamped, sha256 } = await stampArtifacts(artifacts);
  if (save) await save(destination as string, stamped);
  else await (destination as ArtifactsSink).save(stamped);
  return { destination: typeof destination === 'string' ? destination : 'sink', modelArtifactsInfo: artifactsInfo(stamped), weightsSha256: sha256 };
}

/** Loads and verifies artifacts from a URL (a scheme above, or http(s):// / a relative URL of a model.json), from picked files, or from an in-memory artifacts object. */
export async function loadArtifacts(source: string | ModelArtifacts | readonly File[]): Promise<ModelArtifacts> {
  if (typeof source === 'string') return isHttpSource(source) ? loadFromHttp(source) : route(LOADERS, source, 'load from')(source);
  if (Array.isArray(source)) return loadFromPickedFiles(source);
  return verifyArtifacts(source, { json: 'in-memory artifacts', weights: 'in-memory artifacts (weightData)' });
}

/** A sink that keeps the saved artifacts in memory (tests, or handing a model to a worker). */
export function memorySink(): ArtifactsSink & { artifacts: ModelArtifacts | null } {
  return {
    artifacts: null,
    save(artifacts) {
      this.artifacts = artifacts;
    },
  };
}
