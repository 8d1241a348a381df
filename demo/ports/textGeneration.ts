/**
 * A worked port: tfjs-examples' lstm-text-generation (model.js and data.js, TF.js 4) as webrnn code. The
 * functions keep the example's names and arguments so the two read side by side; docs/porting/text-generation.md
 * walks through every line that changed and why, and bench/ports/ times it against TF.js on the same data.
 *
 * The model is the example's: stacked LSTMs over one-hot characters [sampleLen, charSetSize], a softmax Dense
 * over the next character, categorical cross-entropy, RMSprop. The data class is plain JavaScript: what the
 * example kept in tf.TensorBuffers is a Float32Array here, since webrnn takes { data, shape } (or a tf.Tensor).
 */
import { layers, optimizers, sequential, type Callback, type Runtime, type Sequential, type Tensor } from '../../src/index';
import { seededRandom } from '../../src/layers/initializers';
import { permutation } from '../../src/model/data';
import { sampleIndex } from '../text/sampling';

/** Characters of a text, their ids, and one-hot training windows: the example's TextData, without tensors. */
export class TextData {
  readonly charSet: string[];
  readonly indices: Uint16Array;
  private beginIndices: number[] = [];
  private position = 0;
  private readonly random: () => number;

  constructor(
    readonly text: string,
    readonly sampleLen: number,
    readonly sampleStep: number,
    seed = 1,
  ) {
    if (!Number.isInteger(sampleLen) || sampleLen < 1) throw new RangeError(`sampleLen must be a positive integer; got ${sampleLen}`);
    if (!Number.isInteger(sampleStep) || sampleStep < 1) throw new RangeError(`sampleStep must be a positive integer; got ${sampleStep}`);
    if (text.length <= sampleLen + 1) throw new RangeError(`the text must be longer than sampleLen + 1 = ${sampleLen + 1}; got ${text.length} characters`);
    this.charSet = [...new Set(text)];
    const ids = new Map(this.charSet.map((c, i) => [c, i]));
    this.indices = Uint16Array.from(text, (c) => ids.get(c)!);
    this.random = seededRandom(seed);
  }

  get charSetSize(): number {
    return this.charSet.length;
  }

  /**
   * numExamples windows (all of them by default), from a fresh shuffle of the window starts: xs one-hot
   * [n, sampleLen, charSetSize], ys the next character one-hot [n, charSetSize].
   */
  nextDataEpoch(numExamples?: number): { xs: Tensor; ys: Tensor } {
    this.shuffleBeginIndices();
    const n = numExamples ?? this.beginIndices.length;
    const { sampleLen: len, charSetSize: chars } = this;
    const xs = new Float32Array(n * len * chars);
    const ys = new Float32Array(n * chars);
    for (let i = 0; i < n; i++) {
      const begin = this.beginIndices[this.position++ % this.beginIndices.length]!;
      for (let j = 0; j < len; j++) xs[(i * len + j) * chars + this.indices[begin + j]!] = 1;
      ys[i * chars + this.indices[begin + len]!] = 1;
    }
    return { xs: { data: xs, shape: [n, len, chars] }, ys: { data: ys, shape: [n, chars] } };
  }

  /** A random sampleLen-long slice of the text and its ids: a seed for generation. */
  getRandomSlice(): [string, number[]] {
    const start = Math.floor(this.random() * (this.text.length - this.sampleLen - 1));
    const slice = this.text.slice(start, start + this.sampleLen);
    return [slice, [...this.indices.subarray(start, start + this.sampleLen)]];
  }

  private shuffleBeginIndices(): void {
    const count = Math.ceil((this.text.length - this.sampleLen - 1) / this.sampleStep);
    this.beginIndices = Array.from(permutation(count, this.random), (k) => k * this.sampleStep);
  }
}

/** The example's createModel: LSTMs (all but the last return sequences) and a softmax over the characters; `seed` fixes the initial weights. */
export function createModel(rt: Runtime, sampleLen: number, charSetSize: number, lstmLayerSizes: number | number[], seed?: number): Sequential {
  const sizes = Array.isArray(lstmLayerSizes) ? lstmLayerSizes : [lstmLayerSizes];
  const model = sequential(rt, { seed });
  sizes.forEach((units, i) => {
    model.add(layers.lstm({ units, returnSequences: i < sizes.length - 1, ...(i === 0 ? { inputShape: [sampleLen, charSetSize] } : {}) }));
  });
  model.add(layers.dense({ units: charSetSize, activation: 'softmax' }));
  return model;
}

export function compileModel(model: Sequential, learningRate: number): void {
  model.compile({ optimizer: optimizers.rmsprop(learningRate), loss: 'categoricalCrossentropy' });
}

/** The example's fitModel: each epoch draws examplesPerEpoch fresh windows and fits them once. */
export async function fitModel(
  model: Sequential,
  textData: TextData,
  numEpochs: number,
  examplesPerEpoch: number,
  batchSize: number,
  validationSplit: number,
  callbacks?: Callback[],
): Promise<number[]> {
  const losses: number[] = [];
  for (let i = 0; i < numEpochs; i++) {
    const { xs, ys } = textData.nextDataEpoch(examplesPerEpoch);
    const history = await model.fit(xs, ys, { epochs: 1, batchSize, validationSplit, callbacks });
    losses.push(history.history.loss![0]!);
  }
  return losses;
}

/**
 * The example's generateText: slide a sampleLen window of ids, predict the next character's probabilities,
 * sample one at the temperature, append it. `random` makes a run repeatable (Math.random by default).
 */
export async function generateText(
  model: Sequential,
  textData: TextData,
  sentenceIndices: number[],
  length: number,
  temperature: number,
  onTextGenerationChar?: (char: string) => void | Promise<void>,
  random: () => number = Math.random,
): Promise<string> {
  const { sampleLen, charSetSize } = textData;
  let window = sentenceIndices.slice(-sampleLen);
  let generated = '';
  const input = new Float32Array(sampleLen * charSetSize);
  while (generated.length < length) {
    input.fill(0);
    window.forEach((id, i) => (input[i * charSetSize + id] = 1));
    const probs = await model.predict({ data: input, shape: [1, sampleLen, charSetSize] });
    const winner = sample(probs.data, temperature, random);
    const char = textData.charSet[winner]!;
    await onTextGenerationChar?.(char);
    generated += char;
    window = [...window.slice(1), winner];
  }
  return generated;
}

/** The example's sample: one draw at a temperature, softmax(log(p) / T), by the Text page's sampler. */
export function sample(probs: ArrayLike<number>, temperature: number, random: () => number = Math.random): number {
  return sampleIndex(probs, Math.max(temperature, 1e-6), random);
}
