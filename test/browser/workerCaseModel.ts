/** The model of the remote-model cases, built the same way in the worker (modelWorker.ts) and on the page. */
import { layers, sequential, type Runtime, type Sequential } from '../../src/index';

export interface WorkerCaseOptions {
  seed: number;
  /** Builds a model whose builder throws: the page must get the builder's error. */
  failBuild?: boolean;
  /** An echo-state reservoir and a linear readout instead (for fitRidge). */
  echoState?: boolean;
}

export function buildWorkerCaseModel(rt: Runtime, options: WorkerCaseOptions): Sequential {
  if (options.failBuild) throw new RangeError('the builder refused: failBuild was set');
  const model = sequential(rt, { seed: options.seed, name: 'worker_case' });
  if (options.echoState) {
    model.add(layers.echoState({ units: 12, connectivity: 0.5, seed: options.seed, inputShape: [5, 2] }));
    model.add(layers.dense({ units: 1 }));
    return model;
  }
  model.add(layers.lstm({ units: 6, inputShape: [5, 2] }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}
