/**
 * remoteModel/serveModel on WebGPU in a dedicated worker: the model the worker trains lands on the same weights,
 * losses and predictions as the same model trained on the page; the page's callbacks see every hook in order and
 * can stop training; datasets are pulled from the page; errors keep their class; a dying worker is a WorkerError
 * with the last good epoch's weights kept on the page. Cases: test/browser/workerCases.ts.
 */
import { describe, expect, it } from 'vitest';
import { skipGpu, useHarness } from './support/page';

describe.skipIf(skipGpu)('a model in a worker (remoteModel)', () => {
  const page = useHarness();

  it('trains in the worker exactly as on the page, calling the page callbacks in order', async () => {
    const r = await page.call('remoteAgainstLocal');
    expect(r.info).toMatchObject({ name: 'worker_case', inputShape: [5, 2], outputShape: [1], params: 6 * 4 * (2 + 6 + 1) + 6 + 1 });
    const epoch = (e: number) => [`epochBegin ${e}`, 'batch 0', 'batch 1', 'batch 2', `epochEnd ${e}`];
    expect(r.events).toEqual(['trainBegin', ...epoch(0), ...epoch(1), ...epoch(2), 'trainEnd']);
    expect(r.history.remote).toEqual(r.history.local);
    expect(r.history.remoteAcc).toEqual(r.history.local.accuracy); // TF.js's alias survives the trip
    expect(r.epochLogs.map((l) => l.acc)).toEqual(r.history.local.accuracy);
    expect(r.epochLogs.map((l) => l.val_loss)).toEqual(r.history.local.val_loss);
    expect(r.weights.remote).toEqual(r.weights.local);
    expect(r.predict.remote).toEqual(r.predict.local);
    expect(r.evaluate.remote).toEqual(r.evaluate.local);
    expect(r.lastGoodEpoch).toBe(2);
    expect(r.goodAtEpochEnd).toEqual([0, 1, 2]);
    expect(r.lastGoodMatches).toBe(true);
    expect(r.summaryHasLstm).toBe(true);
  });

  it('fits an echo-state readout by ridge in the worker as on the page', async () => {
    const r = await page.call('remoteRidge');
    expect(r.fitted.remote).toEqual(r.fitted.local);
    expect(r.fitted.remote.rows).toBe(16);
    expect(r.weights.remote).toEqual(r.weights.local);
  });

  it('stops from a page callback, takes weights, streams page datasets, saves to the page', async () => {
    const r = await page.call('remoteControl');
    expect(r.stoppedEpochs).toEqual([0, 1]);
    expect(r.afterZeros).toEqual(Array(16).fill(0.5));
    // a hook's setWeights and stopTraining reach the worker before its fit goes on: training ends on those weights
    expect(r.restored.epochs).toEqual([0, 1]);
    expect(r.restored.afterRestore).toEqual(Array(16).fill(0.5));
    expect(r.early).toEqual({ epochs: [0, 1], stoppedEpoch: 1 });
    expect(r.progress).toEqual(['begin 0', 'begin 1', 'done 0 size 8', 'done 1 size 8']);
    expect(r.dataset.weights.remote).toEqual(r.dataset.weights.local);
    expect(r.dataset.loss.remote).toEqual(r.dataset.loss.local);
    expect(r.dataset.valLoss.remote).toEqual(r.dataset.valLoss.local);
    expect(r.dataset.evaluate.remote).toEqual(r.dataset.evaluate.local);
    expect(r.savedBytes).toBe(4 * (6 * 4 * (2 + 6 + 1) + 6 + 1));
    expect(r.onnx.bytes).toBeGreaterThan(r.savedBytes);
    expect(r.onnx.same).toBe(true);
    expect(r.reloaded.page).toEqual(r.reloaded.remote);
    expect(r.afterDispose).toMatchObject({ name: 'DisposedError', instanceOfClass: true });
    expect(r.disposedMidFit).toMatchObject({ name: 'DisposedError', instanceOfClass: true });
    expect(r.lateParams).toBe(6 * 4 * (2 + 6 + 1) + 6 + 1);
  });

  it('rejects with the class the worker threw, and survives nothing it should not', async () => {
    const r = await page.call('remoteErrors');
    expect(r.badShape).toEqual({ name: 'ShapeError', message: 'x and y must hold the same number of samples; x has 3, y has 4', instanceOfClass: true });
    expect(r.badOption).toMatchObject({ name: 'ValueError', message: 'epochs must be a positive integer; got -1', instanceOfClass: true });
    expect(r.badCallback).toMatchObject({ name: 'ValueError', message: 'fit: callbacks.onEpochEnd must be a function; got number 3', instanceOfClass: true });
    expect(r.badWeights).toMatchObject({ instanceOfClass: true });
    expect(['ShapeError', 'ValueError']).toContain(r.badWeights.name);
    expect(r.unchanged).toBe(true);
    // the page's iterator threw; the worker's fitDataset names the epoch and batch, as a page model's does
    expect(r.throwingDataset).toMatchObject({
      name: 'ValueError',
      message: "fitDataset, epoch 0, batch 1: the dataset's iterator threw: disk read failed",
      instanceOfClass: true,
    });
    expect(r.builder).toMatchObject({ name: 'RangeError', message: 'the builder refused: failBuild was set' });
    expect(r.died).toMatchObject({ name: 'WorkerError', instanceOfClass: true });
    expect(r.died.message).toMatch(/^the model's worker stopped: .*the test worker crashed on purpose\. It has been terminated/);
    expect(r.lastGood).toEqual({ epoch: 1, shapes: [[2, 24], [6, 24], [24], [6, 1], [1]] });
    expect(r.afterDeath).toEqual(r.died);
    expect(r.neverLoads).toMatchObject({ name: 'WorkerError', instanceOfClass: true });
    expect(r.notAWorker).toMatchObject({ name: 'ValueError', instanceOfClass: true });
    expect(r.notAWorker.message).toMatch(/^remoteModel expects a Worker running serveModel/);
  });
});
