/**
 * Loads a model from File objects a user picked (an <input type="file" multiple> or a drop): one .json file
 * plus the weight files its manifest lists, matched by base name as TF.js's browserFiles does. When the
 * manifest lists one file and one other file was picked, that file is used whatever its name, since browsers
 * rename repeated downloads ("model.weights (1).bin"); the size and hash checks still guard it.
 */
import { ModelFormatError, ValueError } from '../errors';
import { concatBuffers, fromModelJson, parseModelJson, verifyArtifacts } from './modelJson';
import type { ModelArtifacts } from './types';

const baseName = (path: string) => path.replace(/\/+$/, '').split('/').pop() ?? path;

export async function loadFromPickedFiles(files: readonly File[]): Promise<ModelArtifacts> {
  if (!files.every((f) => typeof f?.name === 'string' && typeof f?.arrayBuffer === 'function')) {
    throw new ValueError('loadArtifacts(files) expects File objects (from an <input type="file"> or a drop)');
  }
  const jsonFiles = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  if (jsonFiles.length !== 1) {
    throw new ValueError(
      `loadArtifacts(files) needs exactly one .json file (the model.json) plus its weights file; got ${jsonFiles.length} .json files among ` +
        `[${files.map((f) => f.name).join(', ')}]`,
    );
  }
  const jsonFile = jsonFiles[0]!;
  const others = files.filter((f) => f !== jsonFile);
  const json = parseModelJson(await jsonFile.text(), jsonFile.name);
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  const picked = paths.map((p) => {
    const match = others.find((f) => f.name === baseName(p)) ?? (paths.length === 1 && others.length === 1 ? others[0] : undefined);
    if (!match) {
      throw new ModelFormatError(
        `${jsonFile.name}: file check failed: it lists weights file "${baseName(p)}", which was not among the files given ` +
          `([${others.map((f) => f.name).join(', ')}]). Pick it together with ${jsonFile.name}.`,
      );
    }
    return match;
  });
  const buffers = await Promise.all(picked.map((f) => f.arrayBuffer()));
  return verifyArtifacts(fromModelJson(json, concatBuffers(buffers)), { json: jsonFile.name, weights: picked.map((f) => f.name).join(' + ') });
}
