/**
 * `downloads://name` in the browser: the page downloads name.json and name.weights.bin, the names TF.js's
 * browserDownloads gives them, with the manifest pointing at './name.weights.bin' as TF.js writes it.
 * Load them back with loadArtifacts([jsonFile, weightsFile]) from an <input type="file" multiple>.
 */
import { ValueError } from '../errors';
import { toModelJson } from './modelJson';
import type { ModelArtifacts } from './types';

const SCHEME = 'downloads://';
/** How long the object URLs live: long enough for the browser to start both downloads (FileSaver.js uses 40 s). */
const REVOKE_AFTER_MS = 40_000;

export function downloadNames(url: string): { json: string; weights: string } {
  const prefix = url.slice(SCHEME.length) || 'model';
  if (prefix.includes('/')) throw new ValueError(`${url}: a download name cannot contain '/'; got "${prefix}"`);
  return { json: `${prefix}.json`, weights: `${prefix}.weights.bin` };
}

export async function saveToDownloads(url: string, artifacts: ModelArtifacts): Promise<void> {
  if (typeof document === 'undefined') {
    throw new ValueError('downloads:// needs a browser page (document); in Node save with file://path');
  }
  const names = downloadNames(url);
  const json = JSON.stringify(toModelJson(artifacts, `./${names.weights}`));
  // model.json first, then weights; each click on its own task, since Firefox keeps only the last of
  // several downloads started in the same task.
  await download(names.json, new Blob([json], { type: 'application/json' }));
  await download(names.weights, new Blob([artifacts.weightData], { type: 'application/octet-stream' }));
}

async function download(fileName: string, blob: Blob): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  const href = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.download = fileName;
  anchor.href = href;
  anchor.dispatchEvent(new MouseEvent('click'));
  setTimeout(() => URL.revokeObjectURL(href), REVOKE_AFTER_MS);
}
