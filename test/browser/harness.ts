/**
 * Runs inside headless Chromium: gathers every case module into `window.webrnnHarness`, which the Node side
 * (test/support/page.ts) calls. Each case runs the real GPU path and returns raw numbers; the comparison with
 * the CPU reference happens in Node, in the Vitest assertion. Add a case module here with one line.
 */
import { backendCases } from './backendCases';
import { dataCases } from './dataCases';
import { denseCases } from './denseCases';
import { crossProductCases, echoStateCases, esnInputCases, reservoirKernelCases } from './echoStateCases';
import { faultCases } from './faultCases';
import { functionalCases } from './functionalCases';
import { rt } from './harnessCore';
import { interopCases } from './interopCases';
import { ioCases } from './ioCases';
import { kernelCases } from './kernelCases';
import { maskingCases } from './maskingCases';
import { recurrentCases } from './recurrentCases';
import { recurrentLayerCases } from './recurrentLayerCases';
import { reliabilityCases } from './reliabilityCases';
import { batchProgressCases, learningCases, modelCases, modelTrainingCases, programCacheCases } from './modelCases';
import { packageCases } from './packageCases';
import { portCases } from './portCases';
import { trainingCases } from './trainingCases';
import { workerCases } from './workerCases';

const harness = {
  async adapter() {
    return (await rt()).adapter;
  },
  ...kernelCases,
  ...functionalCases,
  ...maskingCases,
  ...denseCases,
  ...dataCases,
  ...faultCases,
  ...recurrentCases,
  ...echoStateCases,
  ...crossProductCases,
  ...esnInputCases,
  ...reservoirKernelCases,
  ...recurrentLayerCases,
  ...ioCases,
  ...interopCases,
  ...modelCases,
  ...modelTrainingCases,
  ...learningCases,
  ...programCacheCases,
  ...batchProgressCases,
  ...trainingCases,
  ...reliabilityCases,
  ...packageCases,
  ...portCases,
  ...workerCases,
  ...backendCases,
};

export type Harness = typeof harness;
(window as unknown as { webrnnHarness: Harness }).webrnnHarness = harness;
