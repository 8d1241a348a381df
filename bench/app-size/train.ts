import { createRuntime, layers, sequential } from 'webrnn';

const rt = await createRuntime();
const model = sequential(rt, { seed: 1 });
model.add(layers.lstm({ units: 50, activation: 'relu', inputShape: [60, 1] }));
model.add(layers.dense({ units: 1 }));
model.compile({ optimizer: 'adam', loss: 'mse' });
const x = { data: Float32Array.from({ length: 32 * 60 }, (_, i) => Math.sin(i / 7)), shape: [32, 60, 1] };
const y = { data: Float32Array.from({ length: 32 }, (_, i) => Math.sin(i)), shape: [32, 1] };
const history = await model.fit(x, y, { batchSize: 32, epochs: 3 });
document.body.textContent = `loss ${history.history.loss!.join(', ')}`;
