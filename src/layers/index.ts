/** The layers: their classes, their configs, and the `layers` namespace of factories (src/layers/factories.ts). */
export * as layers from './factories';
export { Layer } from './layer';
export { RecurrentLayer } from './recurrent';
export { LSTM, type LstmLayerConfig } from './lstm';
export { GRU, type GruLayerConfig } from './gru';
export { SimpleRNN, type SimpleRnnLayerConfig } from './simpleRnn';
export { SRU, type SruLayerConfig } from './sru';
export { EchoState, type EchoStateLayerConfig } from './echoState';
export { Bidirectional, type BidirectionalLayerConfig } from './bidirectional';
export { Dense, type DenseLayerConfig } from './dense';
export { Embedding, type EmbeddingLayerConfig } from './embedding';
export { Dropout, SpatialDropout1D, type DropoutLayerConfig } from './dropout';
export { GlobalAveragePooling1D, GlobalMaxPooling1D, type GlobalPoolingLayerConfig } from './pooling';
export { RepeatVector, type RepeatVectorLayerConfig } from './repeatVector';
export { Masking, type MaskingLayerConfig } from './masking';
export { TimeDistributed, type TimeDistributedLayerConfig } from './timeDistributed';
export { LayerNormalization, type LayerNormalizationLayerConfig } from './layerNormalization';
export type { RecurrentLayerConfig } from './recurrent';
