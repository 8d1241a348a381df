/**
 * The worker the remote-model cases start (test/browser/workerCases.ts): serveModel with the model those cases
 * also build on the page, so the two can be compared weight for weight. A `{ crashForTest: true }` message makes
 * it throw outside any call, as a worker that dies would.
 */
import { serveModel } from '../../src/index';
import { buildWorkerCaseModel, type WorkerCaseOptions } from './workerCaseModel';

// WebGPU, as the page harness it is compared with (harnessCore.ts asks for it too).
serveModel((rt, options: WorkerCaseOptions) => buildWorkerCaseModel(rt, options), { backend: 'webgpu' });

self.addEventListener('message', (event: MessageEvent) => {
  if ((event.data as { crashForTest?: boolean } | null)?.crashForTest) {
    setTimeout(() => {
      throw new Error('the test worker crashed on purpose');
    });
  }
});
