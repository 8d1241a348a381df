/**
 * The translate page's models, built with the functional API as TF.js's date-conversion-attention example builds
 * its model: the input date's characters through an embedding and an LSTM encoder; the ISO date so far through an
 * embedding and an LSTM decoder that starts from the encoder's final states; dot-product attention of each decoder
 * step over the encoder's steps (dot, softmax, dot); context and decoder output together through two Dense layers on
 * every step. Trained with teacher forcing (the decoder reads the target shifted right).
 *
 * Decoding is greedy and uses two inference models made from the trained layers (so they share its weights, as
 * Keras's inference models do): the encoder alone, and the decoder one step at a time from given states, which also
 * returns that step's attention weights for the heat map.
 */
import { input, layers, model, optimizers, type Functional, type Runtime, type SymbolicTensor, type Tensor } from '../../src/index';
import { INPUT_CHARS, INPUT_LENGTH, OUTPUT_CHARS, OUTPUT_LENGTH, decodeOutput, encodeInput } from './dates';

export interface TranslatorSize {
  embedding: number;
  units: number;
  learningRate: number;
}

export interface Translator {
  /** The model that fit trains: [date ids, ISO ids so far] → next-character probabilities per step. */
  trainer: Functional;
  encoder: Functional;
  decoderStep: Functional;
  dispose(): void;
}

const S = (t: unknown) => t as SymbolicTensor;
const L = (t: unknown) => t as SymbolicTensor[];

export function translator(rt: Runtime, size: TranslatorSize, seed = 7): Translator {
  const encoderEmbedding = layers.embedding({ inputDim: INPUT_CHARS.length, outputDim: size.embedding, name: 'date_embedding' });
  const encoderLstm = layers.lstm({ units: size.units, returnSequences: true, returnState: true, name: 'encoder' });
  const decoderEmbedding = layers.embedding({ inputDim: OUTPUT_CHARS.length, outputDim: size.embedding, name: 'iso_embedding' });
  const decoderLstm = layers.lstm({ units: size.units, returnSequences: true, returnState: true, name: 'decoder' });
  const scores = layers.dot({ axes: [2, 2], name: 'scores' });
  const softmax = layers.activation({ activation: 'softmax', name: 'attention' });
  const context = layers.dot({ axes: [2, 1], name: 'context' });
  const combine = layers.concatenate({ name: 'combined' });
  const hidden = layers.timeDistributed({ layer: layers.dense({ units: size.units, activation: 'tanh' }), name: 'hidden' });
  const output = layers.timeDistributed({ layer: layers.dense({ units: OUTPUT_CHARS.length, activation: 'softmax' }), name: 'next_char' });

  /** The decoder from `states` over `decoderInput`, attending over `encoderSequence`. */
  const decode = (decoderInput: SymbolicTensor, encoderSequence: SymbolicTensor, states: SymbolicTensor[]) => {
    const [sequence, h, c] = L(decoderLstm.apply(S(decoderEmbedding.apply(decoderInput)), { initialState: states }));
    const weights = S(softmax.apply(S(scores.apply([sequence!, encoderSequence]))));
    const attended = S(context.apply([weights, encoderSequence]));
    const probabilities = S(output.apply(S(hidden.apply(S(combine.apply([attended, sequence!]))))));
    return { probabilities, h: h!, c: c!, weights };
  };

  const date = input({ shape: [INPUT_LENGTH], name: 'date', dtype: 'int32' });
  const isoSoFar = input({ shape: [OUTPUT_LENGTH], name: 'iso_so_far', dtype: 'int32' });
  const [encoded, h, c] = L(encoderLstm.apply(S(encoderEmbedding.apply(date))));
  const trainer = model(rt, { inputs: [date, isoSoFar], outputs: decode(isoSoFar, encoded!, [h!, c!]).probabilities, name: 'translator', seed });
  trainer.compile({ optimizer: optimizers.adam({ learningRate: size.learningRate }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });

  const encoder = model(rt, { inputs: date, outputs: [encoded!, h!, c!], name: 'encoder_model' });
  const step = input({ shape: [1], name: 'previous_char', dtype: 'int32' });
  const encoderSequence = input({ shape: [INPUT_LENGTH, size.units], name: 'encoder_sequence' });
  const [hIn, cIn] = [input({ shape: [size.units], name: 'h' }), input({ shape: [size.units], name: 'c' })];
  const next = decode(step, encoderSequence, [hIn, cIn]);
  const decoderStep = model(rt, {
    inputs: [step, encoderSequence, hIn, cIn],
    outputs: [next.probabilities, next.h, next.c, next.weights],
    name: 'decoder_step_model',
  });
  return {
    trainer,
    encoder,
    decoderStep,
    dispose() {
      encoder.dispose();
      decoderStep.dispose();
      trainer.dispose();
    },
  };
}

export interface Translation {
  iso: string;
  /** Attention weights [OUTPUT_LENGTH][INPUT_LENGTH]: row t is where output character t looked. */
  attention: number[][];
}

/** Greedy decoding of every text at once: the encoder once, then one decoder step per output character. */
export async function translate(t: Translator, texts: readonly string[]): Promise<Translation[]> {
  const n = texts.length;
  const ids = Float32Array.from(texts.flatMap((s) => encodeInput(s)));
  const [sequence, h0, c0] = (await t.encoder.predict({ data: ids, shape: [n, INPUT_LENGTH] })) as Tensor[];
  let [h, c] = [h0, c0];
  const previous = new Float32Array(n); // the start token, 0
  const chosen: number[][] = texts.map(() => []);
  const attention: number[][][] = texts.map(() => []);
  const vocabulary = OUTPUT_CHARS.length;
  for (let step = 0; step < OUTPUT_LENGTH; step++) {
    const [probabilities, hNext, cNext, weights] = (await t.decoderStep.predict([{ data: previous, shape: [n, 1] }, sequence!, h!, c!])) as Tensor[];
    for (let i = 0; i < n; i++) {
      const row = probabilities!.data.subarray(i * vocabulary, (i + 1) * vocabulary);
      let best = 1; // never the start token
      for (let k = 2; k < vocabulary; k++) if (row[k]! > row[best]!) best = k;
      chosen[i]!.push(best);
      previous[i] = best;
      attention[i]!.push(Array.from(weights!.data.subarray(i * INPUT_LENGTH, (i + 1) * INPUT_LENGTH)));
    }
    [h, c] = [hNext, cNext];
  }
  return chosen.map((ids, i) => ({ iso: decodeOutput(ids), attention: attention[i]! }));
}
