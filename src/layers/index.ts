/** The `layers` namespace, named as in TF.js: `layers.lstm({ units: 50 })`, `layers.dense({ units: 1 })`. */
import { Bidirectional, type BidirectionalLayerConfig } from './bidirectional';
import { Dense, type DenseLayerConfig } from './dense';
import { Embedding, type EmbeddingLayerConfig } from './embedding';
import { GRU, type GruLayerConfig } from './gru';
import { LSTM, type LstmLayerConfig } from './lstm';
import { SimpleRNN, type SimpleRnnLayerConfig } from './simpleRnn';

export const layers = {
  lstm: (config: LstmLayerConfig) => new LSTM(config),
  gru: (config: GruLayerConfig) => new GRU(config),
  simpleRNN: (config: SimpleRnnLayerConfig) => new SimpleRNN(config),
  bidirectional: (config: BidirectionalLayerConfig) => new Bidirectional(config),
  dense: (config: DenseLayerConfig) => new Dense(config),
  embedding: (config: EmbeddingLayerConfig) => new Embedding(config),
};

export { Layer } from './layer';
export { RecurrentLayer } from './recurrent';
export { LSTM, GRU, SimpleRNN, Bidirectional, Dense, Embedding };
export type { LstmLayerConfig, GruLayerConfig, SimpleRnnLayerConfig, BidirectionalLayerConfig, DenseLayerConfig, EmbeddingLayerConfig };
export type { RecurrentLayerConfig } from './recurrent';
