/**
 * Bad inputs (test/browser/badInputCases.ts) against a real model on WebGPU: each case throws the named error
 * listed here, and its message matches a pattern that holds both what was expected and what was received.
 * Around them, the model's weights stay bit-identical, no buffer is left behind, and the model still trains.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './browser/harness';
import { openHarness, skipGpu, type HarnessPage } from './support/page';

/** Case id → [error name, message pattern: expected ... received]. */
const EXPECTED: Record<string, [string, RegExp]> = {
  'fit while fit runs': ['ValueError', /fit was called while another fit on this model is running; await the first one/],
  'dispose while fit runs': ['ValueError', /dispose\(\) was called while fit is running; await fit first/],
  'compile while fit runs': ['ValueError', /compile was called while fit is running; wait for fit to finish/],
  'lstm units 0': ['ValueError', /units must be a positive integer; got 0$/],
  'dense units 2.5': ['ValueError', /units must be a positive integer; got 2\.5$/],
  'unknown activation': ['ValueError', /activation must be one of 'tanh', 'relu', .*; got "swish"/],
  'misspelled layer option': ['ValueError', /unknown option 'unit'; options are units, /],
  'inputShape with a zero': ['ValueError', /inputShape must be .*positive integers such as \[60, 1\]; got \[0,2\]/],
  'add a non-layer': ['ValueError', /model\.add expects a layer such as layers\.dense\(\{ units: 1 \}\); got object/],
  'add after build': ['ValueError', /the model is already built; add every layer before compile/],
  'first layer without inputShape': ['ValueError', /the first layer \('dense.*'\) needs inputShape, e\.g\./],
  'duplicate layer name': ['ValueError', /a layer named 'twin' is already in the model; names must be unique/],
  'lstm on rank-1 input': ['ShapeError', /expects input \[batch, timesteps, features\]; got \[batch, 3\]/],
  'unknown optimizer': ['ValueError', /Unknown optimizer 'adamw'; known optimizers are 'adam', 'sgd', 'rmsprop'/],
  'unknown loss': ['ValueError', /Unknown loss "msee"; known losses are mse, mae/],
  'unknown metric': ['ValueError', /Unknown metric "accuracy2"; known metrics are accuracy/],
  'clipNorm with clipValue': ['ValueError', /set at most one of clipNorm, globalClipNorm, clipValue; got clipNorm and clipValue/],
  'misspelled compile option': ['ValueError', /compile: unknown option 'lr'; options are optimizer, loss/],
  'negative learning rate': ['ValueError', /learningRate must be a finite number ≥ 0; got -1/],
  'compile without loss': ['ValueError', /compile needs a loss, e\.g\. compile\(\{ optimizer: 'adam', loss: 'mse' \}\)/],
  'fit before compile': ['ValueError', /must be compiled before fit or evaluate: model\.compile\(/],
  'x of rank 2': ['ShapeError', /x must be \[batch, timesteps, features\] = \[\*, 3, 2\]; got \[5, 6\]/],
  'x with 4 timesteps': ['ShapeError', /= \[\*, 3, 2\]; got \[5, 4, 2\]/],
  'x with 3 features': ['ShapeError', /= \[\*, 3, 2\]; got \[5, 3, 3\]/],
  'x and y counts differ': ['ShapeError', /x and y must hold the same number of samples; x has 5, y has 4/],
  'empty x and y': ['ValueError', /x is empty \(shape \[0, 3, 2\]\); fit, predict and evaluate need at least one sample/],
  'NaN in x': ['ValueError', /x must hold finite numbers; x\[2, 1, 0\] is NaN/],
  'Infinity in y': ['ValueError', /y must hold finite numbers; y\[3, 0\] is Infinity/],
  'y of wrong width': ['ShapeError', /y must be the model output shape = \[\*, 1\]; got \[5, 2\]/],
  'batchSize 0': ['ValueError', /batchSize must be a positive integer; got 0$/],
  'batchSize -4': ['ValueError', /batchSize must be a positive integer; got -4$/],
  'batchSize 2.5': ['ValueError', /batchSize must be a positive integer; got 2\.5$/],
  'batchSize NaN': ['ValueError', /batchSize must be a positive integer; got NaN$/],
  'epochs 0': ['ValueError', /epochs must be a positive integer; got 0$/],
  'initialEpoch past epochs': ['ValueError', /initialEpoch must be an integer in \[0, epochs\); got 2$/],
  'misspelled fit option': ['ValueError', /fit: unknown option 'epoch'; options are batchSize, epochs/],
  'validationSplit with validationData': ['ValueError', /give validationSplit or validationData, not both/],
  'validationSplit 1.5': ['ValueError', /validationSplit must be a number in \[0, 1\); got 1\.5/],
  'validationData of wrong shape': ['ShapeError', /validationData\[0\] must be .* = \[\*, 3, 2\]; got \[2, 3, 3\]/],
  'callback that is not an object': ['ValueError', /callbacks must be an object with hooks such as onEpochEnd\(epoch, logs\); got number 5/],
  'callback hook that is not a function': ['ValueError', /callbacks\.onEpochEnd must be a function; got string "log"/],
  'stopOnNonFinite not a boolean': ['ValueError', /stopOnNonFinite must be true or false; got "yes"/],
  'x as BigInt64Array': ['ValueError', /x\.data must be a Float32Array \(or another array of numbers\); got a BigInt64Array/],
  'x as strings': ['ValueError', /x\[0\]\[0\]\[0\] must be a number; got the string "a"/],
  'ragged x': ['ShapeError', /x is ragged: x\[1\] has 2 entries where 3 were expected/],
  'token ids out of range': ['ValueError', /token ids for embedding .*integers in \[0, 10\); x at flat index 5 is 10/],
  'fractional token ids': ['ValueError', /integers in \[0, 10\); x at flat index 6 is 2\.5/],
  'predict x of rank 2': ['ShapeError', /= \[\*, 3, 2\]; got \[5, 6\]/],
  'predict NaN in x': ['ValueError', /x must hold finite numbers; x\[4, 2, 1\] is NaN/],
  'predict batchSize 0': ['ValueError', /batchSize must be a positive integer; got 0$/],
  'predict a string': ['ValueError', /x must be a nested number array or \{ data: Float32Array, shape \}; got the string "hello"/],
  'evaluate counts differ': ['ShapeError', /x has 5, y has 3/],
  'setWeights with too few tensors': ['ValueError', /setWeights expects 5 tensors \(lstm.*\/kernel, .*\); got 4/],
  'setWeights with a wrong shape': ['ShapeError', /setWeights: lstm.*\/kernel must be \[2, 16\]; got \[3, 16\]/],
  'setWeights with NaN': ['ValueError', /lstm.*\/kernel must hold finite numbers; lstm.*\/kernel\[0, 7\] is NaN/],
  'predict after dispose': ['DisposedError', /was disposed; build a new one/],
  'fit after dispose': ['DisposedError', /was disposed; build a new one/],
  'getWeights after dispose': ['DisposedError', /was disposed; build a new one/],
  'a model on a disposed runtime': ['DisposedError', /runtime was disposed; create a new one with createRuntime\(\)/],
  'makeWindows window 0': ['ValueError', /window must be an integer ≥ 1 .*; got number 0/],
  'lstmForward with NaN in c0': ['ValueError', /c0 must hold finite numbers; c0\[1, 2\] is NaN/],
  'lstmBackward with Infinity in dc': ['ValueError', /dc must hold finite numbers; dc\[0, 3\] is Infinity/],
  'simpleRnnBackward with NaN in dOutput': ['ValueError', /dOutput must hold finite numbers; dOutput\[0, 0\] is NaN/],
  'makeWindows on NaN': ['ValueError', /must hold finite numbers; makeWindows\(series\)\[2\] is NaN/],
  'scaler transform before fit': ['ValueError', /MinMaxScaler is not fitted yet: call fit\(trainRows\)/],
  'CSV column that does not exist': ['ValueError', /column "c" is not in the CSV; available columns: a, b/],
  'split fractions over 1': ['ValueError', /fractions must sum to 1; got train 0\.8 \+ validation 0\.3 \+ test 0 = 1\.1/],
  'padSequences with NaN': ['ValueError', /sequences\[0\]\[1\] is number NaN; expected a finite number/],
  'vocabulary id out of range': ['ValueError', /ids\[0\] is 99; ids must be integers in \[0, 4\]/],
  'truncated weights': ['ModelFormatError', /byte length check failed: .*need 468 bytes, the file holds 464; it is truncated/],
  'bit-flipped weights': ['ModelFormatError', /SHA-256 check failed: expected [0-9a-f]{64} .*, got [0-9a-f]{64}/],
  'HTML for weights': ['ModelFormatError', /byte length check failed: .*need 468 bytes, the file holds 31; .*it holds HTML/],
  'unknown format version': ['ModelFormatError', /format version check failed: webrnn format version number 9, this webrnn reads version 1/],
  'weight shape edited': ['ModelFormatError', /manifest check failed: the weight specs need 404 bytes but the integrity record says 468/],
};

describe.skipIf(skipGpu)('bad inputs on a real model', () => {
  let page: HarnessPage;
  let run: Awaited<ReturnType<Harness['badInputs']>>;
  beforeAll(async () => {
    page = await openHarness();
    run = await page.call('badInputs');
  });
  afterAll(async () => {
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('runs every listed case and no other', () => {
    const ids = run.results.map((r) => r.id);
    expect(ids.sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(ids.length).toBeGreaterThanOrEqual(30);
    console.log(`bad inputs tried and rejected with a named error: ${ids.length}`);
  });

  it.each(Object.entries(EXPECTED))('%s: a named error saying expected vs received', (id, [name, message]) => {
    const result = run.results.find((r) => r.id === id)!;
    expect(result.name).toBe(name);
    expect(result.message).toMatch(message);
  });

  it('leaves the weights bit-identical and no buffer behind, and the model still trains', () => {
    const r = run;
    expect(r.weightsUnchanged).toBe(true);
    expect(r.buffers[1]).toBe(r.buffers[0]);
    expect(r.bytes[1]).toBe(r.bytes[0]);
    expect(r.training).toEqual({ lossAfter: [expect.any(Number), expect.any(Number)], weightsMoved: true, predictionFinite: true });
    expect((r.training as { lossAfter: number[] }).lossAfter.every(Number.isFinite)).toBe(true);
    // the fit that was running while a second fit, dispose and compile were refused finished both epochs
    expect(r.runningFitLoss).toHaveLength(2);
    expect(r.runningFitLoss.every(Number.isFinite)).toBe(true);
  });
});
