/**
 * The TF.js "layers-model" artifacts format, as webrnn reads and writes it. Field names follow TF.js's
 * `io.ModelArtifacts` and `model.json` so `tf.loadLayersModel` can read what we save and we can read what it saves.
 */

/** TF.js tags optimizer state with `group: 'optimizer'`; weights without a group belong to the model. */
export type WeightGroup = 'model' | 'optimizer';

/** float32 for weights; int32 for TF.js's optimizer step counter `iter`, which it saves as an int32 scalar. */
export type WeightDtype = 'float32' | 'int32';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: WeightDtype;
  group?: WeightGroup;
}

/** A JSON object (model topology, training config, user metadata). */
export type JsonObject = { [key: string]: unknown };

export interface ModelArtifacts {
  modelTopology: JsonObject;
  weightSpecs: WeightSpec[];
  /** float32 little-endian values of every spec, concatenated in spec order. */
  weightData: ArrayBuffer;
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string | null;
  trainingConfig?: JsonObject;
  userDefinedMetadata?: JsonObject;
}

/** What we add under `userDefinedMetadata.webrnn`: TF.js keeps that object opaque, so its loader ignores it. */
export interface WebRnnMetadata {
  formatVersion: 1;
  weightsBytes: number;
  weightsSha256: string;
}

export const FORMAT_VERSION = 1;
export const METADATA_KEY = 'webrnn';

/** A weights file group of `model.json`'s `weightsManifest`. */
export interface WeightsGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** The parsed content of `model.json`. */
export interface ModelJson {
  modelTopology: JsonObject;
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string | null;
  weightsManifest: WeightsGroup[];
  trainingConfig?: JsonObject;
  userDefinedMetadata?: JsonObject;
}

/** Shaped like TF.js's `ModelArtifactsInfo`, so a model's `save()` can return the same thing. */
export interface ModelArtifactsInfo {
  dateSaved: Date;
  modelTopologyType: 'JSON';
  modelTopologyBytes: number;
  weightSpecsBytes: number;
  weightDataBytes: number;
}

export interface SaveResult {
  /** Where it went: the URL given, or 'sink' for an ArtifactsSink. */
  destination: string;
  modelArtifactsInfo: ModelArtifactsInfo;
  weightsSha256: string;
}

/** A custom destination: receives artifacts already checked and stamped with their weights hash. */
export interface ArtifactsSink {
  save(artifacts: ModelArtifacts): Promise<void> | void;
}

/** A tensor as encodeWeights takes it and decodeWeights returns it. */
export interface NamedWeight {
  name: string;
  /** Values as floats whatever the stored dtype (int32 values are whole numbers). */
  tensor: { data: Float32Array; shape: number[] };
  group?: WeightGroup;
  /** How it is stored; float32 when absent. */
  dtype?: WeightDtype;
}
