/**
 * The page `npm start` drives in headless Chromium: WebGPU runs only in a browser here, so Node prepares the
 * data and options, calls `window.webrnnForecastJob`, and hears about each epoch and each batch through `window.webrnnProgress` and
 * `window.webrnnBatchProgress` (functions Puppeteer exposes before the page loads).
 */
import { createRuntime, type AdapterSummary, type Backend } from '../../src/index';
import { forecastModel, runForecastJob, type BatchReport, type EpochReport, type ForecastInput, type ForecastResult } from '../lib/forecastJob';

declare global {
  interface Window {
    webrnnForecastJob: (input: ForecastInput & { backend?: Backend }) => Promise<ForecastResult & { adapter: AdapterSummary; backend: Backend }>;
    webrnnProgress?: (report: EpochReport) => Promise<void>;
    webrnnBatchProgress?: (report: BatchReport) => Promise<void>;
  }
}

window.webrnnForecastJob = async (input) => {
  const rt = await createRuntime({ backend: input.backend ?? 'auto' });
  try {
    const result = await runForecastJob(
      (spec) => forecastModel(rt, spec),
      input,
      (r) => void window.webrnnProgress?.(r),
      (r) => void window.webrnnBatchProgress?.(r),
    );
    return { ...result, adapter: rt.adapter, backend: rt.backend, threads: rt.threads };
  } finally {
    rt.dispose();
  }
};
