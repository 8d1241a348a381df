/** The `layers` namespace, named as in TF.js: `layers.lstm({ units: 50 })`, `layers.dense({ units: 1 })`. */
import { Dense, type DenseLayerConfig } from './dense';
import { Embedding, type EmbeddingLayerConfig } from './embedding';
import { LSTM, type LstmLayerConfig } from './lstm';

export const layers = {
  lstm: (config: LstmLayerConfig) => new LSTM(config),
  dense: (config: DenseLayerConfig) => new Dense(config),
  embedding: (config: EmbeddingLayerConfig) => new Embedding(config),
};

export { Layer } from './layer';
export { LSTM, Dense, Embedding };
export type { LstmLayerConfig, DenseLayerConfig, EmbeddingLayerConfig };
