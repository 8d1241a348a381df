/**
 * The `layers` namespace, named as in TF.js: `layers.lstm({ units: 50 })`, `layers.dense({ units: 1 })`.
 * Re-exported as `export * as layers` (src/layers/index.ts) rather than built as an object literal: a namespace
 * is statically analysable, so an app's bundler keeps only the factories it calls, and with them only those
 * layers' classes, kernels and WGSL. An object of arrow functions would keep every layer once one is used.
 */
import { Bidirectional, type BidirectionalLayerConfig } from './bidirectional';
import { Dense, type DenseLayerConfig } from './dense';
import { Dropout, SpatialDropout1D, type DropoutLayerConfig } from './dropout';
import { GlobalAveragePooling1D, GlobalMaxPooling1D, type GlobalPoolingLayerConfig } from './pooling';
import { RepeatVector, type RepeatVectorLayerConfig } from './repeatVector';
import { Masking, type MaskingLayerConfig } from './masking';
import { TimeDistributed, type TimeDistributedLayerConfig } from './timeDistributed';
import { LayerNormalization, type LayerNormalizationLayerConfig } from './layerNormalization';
import { Embedding, type EmbeddingLayerConfig } from './embedding';
import { GRU, type GruLayerConfig } from './gru';
import { LSTM, type LstmLayerConfig } from './lstm';
import { SimpleRNN, type SimpleRnnLayerConfig } from './simpleRnn';
import { SRU, type SruLayerConfig } from './sru';
import { EchoState, type EchoStateLayerConfig } from './echoState';
import { Activation, type ActivationLayerConfig } from './activation';
import { AdditiveAttention, Attention, Dot, type AttentionLayerConfig, type DotLayerConfig } from './attention';
import { Add, Average, Concatenate, Multiply, type ConcatenateLayerConfig, type MergeLayerConfig } from './merge';

export function lstm(config: LstmLayerConfig): LSTM {
  return new LSTM(config);
}

export function gru(config: GruLayerConfig): GRU {
  return new GRU(config);
}

export function simpleRNN(config: SimpleRnnLayerConfig): SimpleRNN {
  return new SimpleRNN(config);
}

/** The Simple Recurrent Unit (Lei et al. 2018): webrnn's own; TF.js and Keras cannot load it. */
export function sru(config: SruLayerConfig): SRU {
  return new SRU(config);
}

/** An echo-state reservoir (Jaeger): random, fixed recurrent weights; train the Dense after it (model.fitRidge). */
export function echoState(config: EchoStateLayerConfig): EchoState {
  return new EchoState(config);
}

export function bidirectional(config: BidirectionalLayerConfig): Bidirectional {
  return new Bidirectional(config);
}

export function dense(config: DenseLayerConfig): Dense {
  return new Dense(config);
}

export function embedding(config: EmbeddingLayerConfig): Embedding {
  return new Embedding(config);
}

export function dropout(config: DropoutLayerConfig): Dropout {
  return new Dropout(config);
}

export function spatialDropout1d(config: Omit<DropoutLayerConfig, 'noiseShape'>): SpatialDropout1D {
  return new SpatialDropout1D(config);
}

export function masking(config: MaskingLayerConfig = {}): Masking {
  return new Masking(config);
}

export function repeatVector(config: RepeatVectorLayerConfig): RepeatVector {
  return new RepeatVector(config);
}

export function globalAveragePooling1d(config: GlobalPoolingLayerConfig = {}): GlobalAveragePooling1D {
  return new GlobalAveragePooling1D(config);
}

export function globalMaxPooling1d(config: GlobalPoolingLayerConfig = {}): GlobalMaxPooling1D {
  return new GlobalMaxPooling1D(config);
}

export function timeDistributed(config: TimeDistributedLayerConfig): TimeDistributed {
  return new TimeDistributed(config);
}

export function layerNormalization(config: LayerNormalizationLayerConfig = {}): LayerNormalization {
  return new LayerNormalization(config);
}

/** Joins tensors along the last axis (functional models): `layers.concatenate().apply([a, b])`. */
export function concatenate(config: ConcatenateLayerConfig = {}): Concatenate {
  return new Concatenate(config);
}

/** The element-wise sum of tensors of one shape (functional models). */
export function add(config: MergeLayerConfig = {}): Add {
  return new Add(config);
}

/** The element-wise product of tensors of one shape (functional models). */
export function multiply(config: MergeLayerConfig = {}): Multiply {
  return new Multiply(config);
}

/** The element-wise mean of tensors of one shape (functional models). */
export function average(config: MergeLayerConfig = {}): Average {
  return new Average(config);
}

/** Batched dot products between two tensors along `axes` (Keras's Dot), e.g. attention scores with axes [2, 2]. */
export function dot(config: DotLayerConfig): Dot {
  return new Dot(config);
}

/** An activation function on its own (Keras's Activation): `layers.activation({ activation: 'softmax' })`. */
export function activation(config: ActivationLayerConfig): Activation {
  return new Activation(config);
}

/** Luong-style dot-product attention (Keras's Attention): `layers.attention().apply([query, value])`. */
export function attention(config: AttentionLayerConfig = {}): Attention {
  return new Attention(config);
}

/** Bahdanau-style additive attention (Keras's AdditiveAttention): `layers.additiveAttention().apply([query, value])`. */
export function additiveAttention(config: Omit<AttentionLayerConfig, 'scoreMode'> = {}): AdditiveAttention {
  return new AdditiveAttention(config);
}
