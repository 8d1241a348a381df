/**
 * model.json ⇄ artifacts, and the checks a load runs. Every failure is a ModelFormatError that names the file
 * and the check. webrnn's integrity record lives in `userDefinedMetadata.webrnn`, which TF.js passes through
 * untouched, so `tf.loadLayersModel` still reads our files; a model.json without it (written by TF.js or its
 * converter) loads with every check except the hash.
 */
import { ModelFormatError, ValueError } from '../errors';
import { sha256Hex } from './sha256';
import {
  FORMAT_VERSION,
  METADATA_KEY,
  type JsonObject,
  type ModelArtifacts,
  type ModelArtifactsInfo,
  type ModelJson,
  type WebRnnMetadata,
  type WeightsGroup,
} from './types';
import { checkWeightBytes, checkWeightSpecs, describeValue, specsByteLength } from './weights';

/** Names of the two stored pieces, for messages: a path, a URL, or "in-memory artifacts (weightData)". */
export interface SourceNames {
  json: string;
  weights: string;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and checks model.json text. */
export function parseModelJson(text: string, file: string): ModelJson {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body.startsWith('<')) {
    throw new ModelFormatError(
      `${file}: JSON check failed: expected model.json, got HTML (${describeValue(body.slice(0, 30))}). A web server answered with a ` +
        'page (404, login or index page) instead of the file; check the URL or path.',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw new ModelFormatError(
      `${file}: JSON check failed: ${(e as Error).message}; it starts with ${describeValue(body.slice(0, 30))}. Re-save or re-download model.json.`,
    );
  }
  if (!isObject(json)) throw new ModelFormatError(`${file}: expected a JSON object with modelTopology and weightsManifest; got ${describeValue(json)}`);
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) throw missingKey(file, 'weightsManifest', manifest, 'an array of { paths, weights } groups');
  manifest.forEach((group: Partial<WeightsGroup>, i) => {
    if (!isObject(group)) throw missingKey(file, `weightsManifest[${i}]`, group, 'an object { paths, weights }');
    if (!Array.isArray(group.paths) || group.paths.length === 0 || !group.paths.every((p) => typeof p === 'string' && p !== '')) {
      throw missingKey(file, `weightsManifest[${i}].paths`, group.paths, 'a non-empty list of file names');
    }
    if (!Array.isArray(group.weights)) throw missingKey(file, `weightsManifest[${i}].weights`, group.weights, 'a list of weight specs');
  });
  const parsed = artifactFields(json, file) as ModelJson;
  parsed.weightsManifest = manifest as WeightsGroup[];
  checkWeightSpecs(
    manifest.flatMap((g: WeightsGroup) => g.weights),
    file,
  );
  return parsed;
}

/** The fields model.json and artifacts share, checked. */
function artifactFields(source: JsonObject, file: string): Omit<ModelArtifacts, 'weightSpecs' | 'weightData'> {
  if (!isObject(source.modelTopology)) throw missingKey(file, 'modelTopology', source.modelTopology, 'a JSON object (the Keras model config)');
  if (source.format !== undefined && source.format !== 'layers-model') {
    throw new ModelFormatError(
      `${file}: format check failed: format is ${describeValue(source.format)}; webrnn reads 'layers-model' (Keras-style models) only. ` +
        'A TF.js graph model cannot be loaded here; export the Keras model with tensorflowjs_converter --output_format tfjs_layers_model.',
    );
  }
  for (const key of ['trainingConfig', 'userDefinedMetadata'] as const) {
    if (source[key] !== undefined && source[key] !== null && !isObject(source[key])) throw missingKey(file, key, source[key], 'a JSON object or absent');
  }
  readMetadata(source.userDefinedMetadata as JsonObject | undefined, file);
  const out: Omit<ModelArtifacts, 'weightSpecs' | 'weightData'> = {
    modelTopology: source.modelTopology,
    format: 'layers-model',
    generatedBy: typeof source.generatedBy === 'string' ? source.generatedBy : '',
    convertedBy: typeof source.convertedBy === 'string' ? source.convertedBy : null,
  };
  if (isObject(source.trainingConfig)) out.trainingConfig = source.trainingConfig;
  if (isObject(source.userDefinedMetadata)) out.userDefinedMetadata = source.userDefinedMetadata;
  return out;
}

function missingKey(file: string, key: string, got: unknown, expected: string): ModelFormatError {
  return new ModelFormatError(
    `${file}: key check failed: "${key}" must be ${expected}; got ${describeValue(got)}. The file is not a layers-model model.json or was cut short.`,
  );
}

/** Our integrity record, checked; null when absent (a file TF.js wrote). */
export function readMetadata(user: JsonObject | undefined, file: string): WebRnnMetadata | null {
  const meta = user?.[METADATA_KEY];
  if (meta === undefined) return null;
  if (!isObject(meta)) throw missingKey(file, `userDefinedMetadata.${METADATA_KEY}`, meta, 'an object { formatVersion, weightsBytes, weightsSha256 }');
  if (meta.formatVersion !== FORMAT_VERSION) {
    throw new ModelFormatError(
      `${file}: format version check failed: webrnn format version ${describeValue(meta.formatVersion)}, this webrnn reads version ${FORMAT_VERSION}. ` +
        'Upgrade webrnn to load it, or re-save the model with this version.',
    );
  }
  if (!Number.isSafeInteger(meta.weightsBytes) || (meta.weightsBytes as number) < 0) {
    throw missingKey(file, `userDefinedMetadata.${METADATA_KEY}.weightsBytes`, meta.weightsBytes, 'a non-negative integer');
  }
  if (typeof meta.weightsSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(meta.weightsSha256)) {
    throw missingKey(file, `userDefinedMetadata.${METADATA_KEY}.weightsSha256`, meta.weightsSha256, '64 lowercase hex digits');
  }
  return meta as unknown as WebRnnMetadata;
}

/**
 * Checks artifacts as read from storage (or handed over in memory) and returns a clean copy without our
 * integrity record, which describes the stored bytes, not the model.
 */
export async function verifyArtifacts(source: unknown, names: SourceNames): Promise<ModelArtifacts> {
  if (!isObject(source))
    throw new ModelFormatError(`${names.json}: expected model artifacts { modelTopology, weightSpecs, weightData, ... }; got ${describeValue(source)}`);
  const fields = artifactFields(source, names.json);
  checkWeightSpecs(source.weightSpecs, names.json);
  const specs = source.weightSpecs;
  const data = source.weightData;
  if (!(data instanceof ArrayBuffer)) throw missingKey(names.weights, 'weightData', data, 'an ArrayBuffer');
  const meta = readMetadata(fields.userDefinedMetadata, names.json);
  if (meta && meta.weightsBytes !== specsByteLength(specs)) {
    throw new ModelFormatError(
      `${names.json}: manifest check failed: the weight specs need ${specsByteLength(specs)} bytes but the integrity record says ` +
        `${meta.weightsBytes}. model.json was edited after saving; re-save the model.`,
    );
  }
  checkWeightBytes(specs, data, names.weights);
  if (meta) {
    const actual = await sha256Hex(data);
    if (actual !== meta.weightsSha256) {
      throw new ModelFormatError(
        `${names.weights}: SHA-256 check failed: expected ${meta.weightsSha256} (recorded in ${names.json}), got ${actual}. The weights ` +
          'were corrupted (or come from another save of this model); restore both files from the same save.',
      );
    }
    const { [METADATA_KEY]: _ours, ...rest } = fields.userDefinedMetadata!;
    if (Object.keys(rest).length > 0) fields.userDefinedMetadata = rest;
    else delete fields.userDefinedMetadata;
  }
  return { ...fields, weightSpecs: specs.map((s) => ({ ...s, shape: [...s.shape] })), weightData: data };
}

/** Checks artifacts handed to a save and stamps them with our integrity record (on a copy of weightData). */
export async function stampArtifacts(artifacts: ModelArtifacts): Promise<{ artifacts: ModelArtifacts; sha256: string }> {
  if (!isObject(artifacts))
    throw new ValueError(`saveArtifacts expects model artifacts { modelTopology, weightSpecs, weightData, ... }; got ${describeValue(artifacts)}`);
  const where = { json: 'the artifacts to save', weights: 'the artifacts to save (weightData)' };
  const user = { ...(artifacts.userDefinedMetadata ?? {}) };
  delete user[METADATA_KEY]; // a stale record from an earlier load; recomputed below
  const clean = await verifyArtifacts({ ...artifacts, userDefinedMetadata: user }, where);
  const weightData = clean.weightData.slice(0);
  const sha256 = await sha256Hex(weightData);
  const meta: WebRnnMetadata = { formatVersion: FORMAT_VERSION, weightsBytes: weightData.byteLength, weightsSha256: sha256 };
  return { artifacts: { ...clean, weightData, userDefinedMetadata: { ...user, [METADATA_KEY]: meta } }, sha256 };
}

/** The model.json object for stamped artifacts whose weights are stored at `weightsPath`. */
export function toModelJson(artifacts: ModelArtifacts, weightsPath: string): ModelJson {
  const json: ModelJson = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [weightsPath], weights: artifacts.weightSpecs }],
  };
  if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  return json;
}

/** Artifacts from parsed model.json plus the weights read from its paths, concatenated in manifest order. */
export function fromModelJson(json: ModelJson, weightData: ArrayBuffer): JsonObject {
  const { weightsManifest, ...rest } = json;
  return { ...rest, weightSpecs: weightsManifest.flatMap((g) => g.weights), weightData };
}

export function artifactsInfo(artifacts: ModelArtifacts): ModelArtifactsInfo {
  const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).length;
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: bytes(artifacts.modelTopology),
    weightSpecsBytes: bytes(artifacts.weightSpecs),
    weightDataBytes: artifacts.weightData.byteLength,
  };
}

export function concatBuffers(buffers: readonly ArrayBuffer[]): ArrayBuffer {
  const out = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out.buffer;
}
