/**
 * The echo-state network's standard benchmark, as Jaeger & Haas (2004) ran it: the Mackey–Glass series (τ = 17,
 * one sample per time unit) through tanh(x − 1), a reservoir driven by the true series (teacher forcing) and read
 * out by ridge regression to predict the next value, then run free — its own prediction fed back as the next
 * input — for 84 steps from several points after the training part. NRMSE₈₄ = √(mean over those trials of the
 * squared error at step 84) / σ(series). They report NRMSE₈₄ ≈ 10^−4.2 for 1000 units (averaged over 100 runs).
 *
 * Next to it, an LSTM trained on windows of the same training part with Adam to its best validation loss: the
 * time until that best epoch against the ridge fit's, the "≥ 100× faster" target.
 */
import { callbacks, layers, mackeyGlass, makeWindows, sequential, type EchoState, type Runtime } from '../../../src/index';
import { std } from './study';

export interface MackeyGlassBenchOptions {
  units: number;
  /** Teacher-forced steps before the readout sees any (the reservoir forgets its zero start), and then trained on. */
  washout: number;
  train: number;
  /** Free runs and the steps each is driven with first. */
  trials: number;
  drive: number;
  horizon: number;
  alpha: number;
  spectralRadius: number;
  seed: number;
  lstm: { units: number; window: number; epochs: number; patience: number; batchSize: number };
}

export const DEFAULT_MACKEY_GLASS_BENCH: MackeyGlassBenchOptions = {
  units: 400,
  washout: 200,
  train: 2000,
  trials: 10,
  drive: 200,
  horizon: 84,
  alpha: 1e-9,
  spectralRadius: 0.8,
  seed: 42,
  // Early stopping decides how long the LSTM trains (at 60 epochs it was still improving); 300 only bounds the run.
  lstm: { units: 32, window: 30, epochs: 300, patience: 10, batchSize: 32 },
};

export const JAEGER_HAAS_2004 = { units: 1000, nrmse84: 10 ** -4.2 };

export interface MackeyGlassBenchResult {
  units: number;
  nrmse84: number;
  /** |error| at step 84 of each trial, in the transformed series' units. */
  trialErrors: number[];
  ridgeMs: number;
  /** The reservoir's spectral radius as measured by power iteration (on the GPU, or the host on wasm) after it was drawn. */
  measuredRadius: number;
  lstm: { msToBest: number; bestEpoch: number; epochs: number; bestValLoss: number };
  /** LSTM time to its best validation loss over the ridge fit's. */
  speedup: number;
}

export async function mackeyGlassBench(rt: Runtime, o: MackeyGlassBenchOptions = DEFAULT_MACKEY_GLASS_BENCH): Promise<MackeyGlassBenchResult> {
  const fitSteps = o.washout + o.train;
  const stride = o.horizon;
  const length = fitSteps + 1 + o.trials * stride + o.horizon;
  const u = Float32Array.from(mackeyGlass({ length }), (v) => Math.tanh(v - 1));
  const sigma = std(u);
  const esn = { units: o.units, spectralRadius: o.spectralRadius, connectivity: Math.min(1, 10 / o.units), inputScaling: 1, biasScaling: 0.2, seed: o.seed };

  // Training: one teacher-forced sequence, a readout on every step after the washout.
  const trainer = sequential(rt, { seed: o.seed });
  trainer.add(layers.echoState({ ...esn, returnSequences: true, inputShape: [fitSteps, 1] }));
  trainer.add(layers.dense({ units: 1 }));
  let ridgeMs: number;
  let measuredRadius: number;
  let weights;
  try {
    const x = { data: u.slice(0, fitSteps), shape: [1, fitSteps, 1] };
    const y = { data: u.slice(1, fitSteps + 1), shape: [1, fitSteps, 1] };
    // Builds and draws the reservoir and compiles its forward pipelines before the clock starts, as the LSTM's
    // predict does for it below (the sums' pipelines compile inside fitRidge, as the LSTM's backward ones in fit).
    await trainer.predict(x);
    const t0 = performance.now();
    await trainer.fitRidge(x, y, { alpha: o.alpha, washout: o.washout });
    ridgeMs = performance.now() - t0;
    measuredRadius = await (trainer.layers[0] as EchoState).spectralRadius();
    weights = await trainer.getWeights();
  } finally {
    trainer.dispose();
  }

  // Free runs: a stateful copy, driven by the true series, then fed its own predictions.
  const runner = sequential(rt, { seed: o.seed });
  runner.add(layers.echoState({ ...esn, stateful: true, batchInputShape: [1, o.drive, 1] }));
  runner.add(layers.dense({ units: 1 }));
  const trialErrors: number[] = [];
  try {
    runner.setWeights(weights);
    for (let k = 0; k < o.trials; k++) {
      const start = fitSteps + 1 + k * stride;
      runner.resetStates();
      let next = (await runner.predict({ data: u.slice(start - o.drive, start), shape: [1, o.drive, 1] })).data[0]!;
      for (let step = 1; step < o.horizon; step++) next = (await runner.predictStep({ data: Float32Array.of(next), shape: [1, 1] })).data[0]!;
      trialErrors.push(Math.abs(next - u[start + o.horizon - 1]!));
    }
  } finally {
    runner.dispose();
  }
  const nrmse84 = Math.sqrt(trialErrors.reduce((a, e) => a + e * e, 0) / trialErrors.length) / sigma;

  // The LSTM on windows of the same training part (its last 15 % for validation), to its best validation loss.
  const l = o.lstm;
  const cut = Math.floor(fitSteps * 0.85);
  const trainWindows = makeWindows(u.slice(0, cut + 1), { window: l.window });
  const valWindows = makeWindows(u.slice(cut - l.window, fitSteps + 1), { window: l.window });
  const lstm = sequential(rt, { seed: o.seed });
  lstm.add(layers.lstm({ units: l.units, inputShape: [l.window, 1] }));
  lstm.add(layers.dense({ units: 1 }));
  lstm.compile({ optimizer: 'adam', loss: 'mse' });
  const epochEnds: number[] = [];
  const valLosses: number[] = [];
  try {
    await lstm.predict(valWindows.x); // pipelines compiled before the clock starts, as for the reservoir
    const t0 = performance.now();
    await lstm.fit(trainWindows.x, trainWindows.y, {
      epochs: l.epochs,
      batchSize: l.batchSize,
      validationData: [valWindows.x, valWindows.y],
      callbacks: [
        { onEpochEnd: (_e, logs) => void (epochEnds.push(performance.now() - t0), valLosses.push(logs.val_loss!)) },
        callbacks.earlyStopping({ monitor: 'val_loss', patience: l.patience, restoreBestWeights: true }),
      ],
    });
  } finally {
    lstm.dispose();
  }
  const bestEpoch = valLosses.indexOf(Math.min(...valLosses));
  const msToBest = epochEnds[bestEpoch]!;
  return {
    units: o.units,
    nrmse84,
    trialErrors,
    ridgeMs,
    measuredRadius,
    lstm: { msToBest, bestEpoch, epochs: valLosses.length, bestValLoss: valLosses[bestEpoch]! },
    speedup: msToBest / ridgeMs,
  };
}
