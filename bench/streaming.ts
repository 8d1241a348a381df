/**
 * The streaming-inference case: `model.predictStep` on a stateful LSTM(units) + Dense(1), batch 1, one
 * feature, the loop of live forecasting or text generation. Reports the median (and 10th/90th percentiles) of
 * single consecutive steps after a warm-up (the first step builds the one-step program), each timed from the
 * call to the resolved output on the host: one write of x, one submit, one map of the output.
 */
import { layers, sequential, type Runtime } from '../src/index';

export interface StreamingRow {
  case: string;
  ms: number;
  p10: number;
  p90: number;
}

export async function streamingStep(rt: Runtime, { units = 256, steps = 200, warmup = 20 } = {}): Promise<StreamingRow> {
  const model = sequential(rt, { seed: 1 });
  model.add(layers.lstm({ units, stateful: true, batchInputShape: [1, 1, 1] }));
  model.add(layers.dense({ units: 1 }));
  try {
    const x = { data: new Float32Array(1), shape: [1, 1] };
    const times: number[] = [];
    for (let i = 0; i < warmup + steps; i++) {
      x.data[0] = Math.sin(i / 10);
      const t0 = performance.now();
      await model.predictStep(x);
      if (i >= warmup) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    return { case: `predictStep, stateful LSTM(${units}) + Dense(1), B1 F1`, ms: at(0.5), p10: at(0.1), p90: at(0.9) };
  } finally {
    model.dispose();
  }
}
