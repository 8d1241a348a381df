/**
 * Harness cases for the worked TF.js ports (demo/ports/): each runs its port as a user would, at a size fit for
 * the test suite, and returns what the Node side checks (losses, generated text, the baseline).
 */
import { compileModel, createModel, fitModel, generateText, TextData } from '../../demo/ports/textGeneration';
import { buildModel, trainModel, WeatherData } from '../../demo/ports/jenaWeather';
import { seededRandom } from '../../src/layers/initializers';
import { rt } from './harnessCore';

export const portCases = {
  async textGenerationPort(text: string, modelSeed: number) {
    const data = new TextData(text, 12, 3);
    const model = createModel(await rt(), data.sampleLen, data.charSetSize, [16], modelSeed);
    compileModel(model, 1e-2);
    const losses = await fitModel(model, data, 4, 256, 64, 0.0625);
    const [, seed] = data.getRandomSlice();
    const streamed: string[] = [];
    const generated = await generateText(model, data, seed, 20, 0.5, (c) => void streamed.push(c), seededRandom(5));
    model.dispose();
    return { losses, generated, streamed: streamed.join(''), charSet: data.charSet.join('') };
  },

  async jenaWeatherPort(csvText: string, modelType: 'simpleRNN' | 'gru', seed: number) {
    const data = new WeatherData(csvText);
    const [lookBack, step, delay] = [14, 1, 1];
    const model = buildModel(await rt(), modelType, Math.floor(lookBack / step), data.numFeatures, seed);
    const history = await trainModel(model, data, lookBack, step, delay, 32, 4, 8);
    model.dispose();
    return { history, baseline: data.baselineMeanAbsoluteError(data.val, lookBack, delay, step), targetStd: data.targetStd, split: [data.train, data.val] };
  },
};
