/**
 * A worker on the built package (dist/webrnn.js), for packageCases.packageWorker: serveModel with the tiny sine
 * model, as an app's model.worker.ts would, loaded through the app's dev server.
 */
type Webrnn = typeof import('../../src/index');

const DIST = '/dist/webrnn.js';
const m = (await import(/* @vite-ignore */ DIST)) as Webrnn;
m.serveModel((rt, { units }: { units: number }) => {
  const model = m.sequential(rt, { seed: 3 });
  model.add(m.layers.lstm({ units, inputShape: [6, 1] }));
  model.add(m.layers.dense({ units: 1 }));
  model.compile({ optimizer: m.optimizers.adam({ learningRate: 0.02 }), loss: 'mse' });
  return model;
});

export {};
