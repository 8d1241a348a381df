import { createRuntime, layers, sequential } from 'webrnn';

const rt = await createRuntime();
const model = sequential(rt, { seed: 1 });
model.add(layers.lstm({ units: 50, inputShape: [60, 1] }));
model.add(layers.dense({ units: 1 }));
const x = { data: Float32Array.from({ length: 4 * 60 }, (_, i) => Math.sin(i / 7)), shape: [4, 60, 1] };
const y = await model.predict(x);
document.body.textContent = `prediction ${Array.from(y.data).join(', ')}`;
