/**
 * `file://` in Node: a directory holding model.json + weights.bin, as tfjs-node writes it. node:fs is imported
 * dynamically, through a variable so bundlers leave it alone, so the browser build never pulls it in.
 *
 * A save never destroys the model already there: both files go to temp files first and are read back and
 * verified; then weights.bin is replaced (the old one kept as weights.bin.prev) and model.json last, which is
 * the commit point. An error on the way restores the old weights; a crash between the two renames leaves the
 * old model.json with weights.bin.prev, which a load falls back to when weights.bin fails its hash.
 */
import { ModelFormatError, ValueError } from '../errors';
import { concatBuffers, fromModelJson, parseModelJson, toModelJson, verifyArtifacts } from './modelJson';
import type { ModelArtifacts } from './types';

type Fs = typeof import('node:fs/promises');
type Path = typeof import('node:path');

const FS_MODULE = 'node:fs/promises';
const PATH_MODULE = 'node:path';
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const PREVIOUS_SUFFIX = '.prev';

async function node(): Promise<{ fs: Fs; path: Path }> {
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new ValueError(
      'file:// works only in Node; in a browser use indexeddb://name or downloads://name, or load picked files with loadArtifacts([jsonFile, weightsFile])',
    );
  }
  const [fs, path] = await Promise.all([import(/* @vite-ignore */ FS_MODULE) as Promise<Fs>, import(/* @vite-ignore */ PATH_MODULE) as Promise<Path>]);
  return { fs, path };
}

function stripScheme(url: string): string {
  const p = url.slice('file://'.length);
  if (p === '') throw new ValueError(`${url} names no path; use file://path/to/model-directory`);
  return p;
}

export async function saveToDirectory(url: string, artifacts: ModelArtifacts): Promise<void> {
  const { fs, path } = await node();
  let dir = stripScheme(url);
  if (path.basename(dir) === MODEL_FILE) dir = path.dirname(dir);
  else if (dir.endsWith('.json'))
    throw new ValueError(`${url}: a save goes to a directory (it writes ${MODEL_FILE} and ${WEIGHTS_FILE} there); drop the file name`);
  await fs.mkdir(dir, { recursive: true });
  const jsonPath = path.join(dir, MODEL_FILE);
  const binPath = path.join(dir, WEIGHTS_FILE);
  const prevPath = binPath + PREVIOUS_SUFFIX;
  const tag = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const tmpJson = path.join(dir, `.${MODEL_FILE}.${tag}.tmp`);
  const tmpBin = path.join(dir, `.${WEIGHTS_FILE}.${tag}.tmp`);
  let hadPrevious = false;
  let weightsReplaced = false;
  try {
    await writeDurably(fs, tmpBin, new Uint8Array(artifacts.weightData));
    await writeDurably(fs, tmpJson, JSON.stringify(toModelJson(artifacts, WEIGHTS_FILE)));
    // Read back what the disk holds, so a short write fails here, before anything is replaced.
    await readVerified(fs, path, tmpJson, [tmpBin]);
    hadPrevious = await keepPrevious(fs, binPath, prevPath);
    await fs.rename(tmpBin, binPath);
    weightsReplaced = true;
    await fs.rename(tmpJson, jsonPath);
    weightsReplaced = false;
  } catch (error) {
    // Put the old weights back beside the old model.json; before the swap the kept link is just a spare.
    if (weightsReplaced && hadPrevious) await fs.rename(prevPath, binPath);
    else await Promise.all([fs.rm(prevPath, { force: true }), weightsReplaced ? fs.rm(binPath, { force: true }) : null]);
    await Promise.all([fs.rm(tmpJson, { force: true }), fs.rm(tmpBin, { force: true })]);
    throw error;
  }
  await fs.rm(prevPath, { force: true });
}

/** Keeps the current weights.bin as weights.bin.prev (a hard link, or a copy where links are not supported). */
async function keepPrevious(fs: Fs, binPath: string, prevPath: string): Promise<boolean> {
  await fs.rm(prevPath, { force: true });
  try {
    await fs.link(binPath, prevPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    await fs.copyFile(binPath, prevPath);
  }
  return true;
}

async function writeDurably(fs: Fs, file: string, data: Uint8Array | string): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The bytes of one file:// file (a Keras .h5, an ONNX model), with the loaders' messages. */
export async function loadFileBytes(url: string): Promise<Uint8Array> {
  const { fs } = await node();
  return new Uint8Array(await readFile(fs, stripScheme(url), 'the model file'));
}

export async function loadFromDirectory(url: string): Promise<ModelArtifacts> {
  const { fs, path } = await node();
  const target = stripScheme(url);
  const jsonPath = target.endsWith('.json') ? target : path.join(target, MODEL_FILE);
  try {
    return await readVerified(fs, path, jsonPath);
  } catch (error) {
    const previous = await readVerified(fs, path, jsonPath, undefined, PREVIOUS_SUFFIX).catch(() => null);
    if (previous) return previous;
    throw error;
  }
}

/** Reads model.json and the weight files it lists (or `weightPaths`), then runs every check. */
async function readVerified(fs: Fs, path: Path, jsonPath: string, weightPaths?: string[], suffix = ''): Promise<ModelArtifacts> {
  const text = new TextDecoder().decode(await readFile(fs, jsonPath, 'the model file'));
  const json = parseModelJson(text, jsonPath);
  const dir = path.dirname(jsonPath);
  const paths = weightPaths ?? json.weightsManifest.flatMap((g) => g.paths).map((p) => path.resolve(dir, p) + suffix);
  for (const p of paths) {
    const rel = path.relative(dir, p);
    if (!weightPaths && (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))) {
      throw new ModelFormatError(
        `${jsonPath}: path check failed: weights path ${p} lies outside the model directory ${dir}; keep weight files beside model.json`,
      );
    }
  }
  const buffers = await Promise.all(paths.map((p) => readFile(fs, p, `a weights file listed in ${jsonPath}`)));
  return verifyArtifacts(fromModelJson(json, concatBuffers(buffers)), { json: jsonPath, weights: paths.join(' + ') });
}

async function readFile(fs: Fs, file: string, what: string): Promise<ArrayBuffer> {
  try {
    const bytes = await fs.readFile(file);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ModelFormatError(`${file}: file check failed: ${what} does not exist. Save there first with saveArtifacts('file://...'), or fix the path.`);
    }
    throw e;
  }
}
