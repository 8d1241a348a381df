/**
 * What every demo page shares: opening its model in a worker (each page trains off its main thread, with
 * remoteModel), the line that names the worker's adapter and says whether it is a fallback (CPU-emulated) one, the
 * training speed, and `window.demoState`, which the browser tests read.
 * Query parameters: `?epochs=N` sets the epochs box, `?auto=1` starts training on load, `?quick=1` shrinks the
 * data and model (for tests on CPU-emulated WebGPU).
 */
import { remoteModel, type Callback, type RemoteModel } from '../../src/index';
import { adapterLine } from './report';

export interface DemoState {
  status: 'loading' | 'ready' | 'training' | 'done' | 'error';
  epochsDone: number;
  stepsPerSecond: number | null;
  error: string | null;
  /** Page-specific numbers for tests (chart point counts, accuracy, sample text). */
  result: Record<string, unknown>;
}

declare global {
  interface Window {
    demoState: DemoState;
  }
}

export const params = new URLSearchParams(location.search);
export const quick = params.get('quick') === '1';

window.demoState = { status: 'loading', epochsDone: 0, stepsPerSecond: null, error: null, result: {} };

export function setState(patch: Partial<DemoState>): void {
  Object.assign(window.demoState, patch);
}

export function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no element #${id}`);
  return el;
}

export function input(id: string): HTMLInputElement {
  return $(id) as HTMLInputElement;
}

/** Reads a positive integer box, or says which box is wrong. */
export function intValue(id: string, min = 1): number {
  const el = input(id);
  const v = Number(el.value);
  if (!Number.isInteger(v) || v < min)
    throw new Error(`${el.labels?.[0]?.textContent?.trim() ?? id} must be an integer ≥ ${min}; got ${JSON.stringify(el.value)}`);
  return v;
}

/** Applies ?epochs=N to the epochs box. */
export function applyEpochsParam(id = 'epochs'): void {
  const e = params.get('epochs');
  if (e) input(id).value = e;
}

/**
 * Starts a model in `worker` (a page's model.worker.ts, which calls serveModel) and names the adapter it got. The
 * page news up the Worker itself: Vite bundles a worker only from `new Worker(new URL(...), ...)` in the page's code.
 */
export async function openModel(worker: Worker, spec: unknown): Promise<RemoteModel> {
  const model = await remoteModel(worker, spec);
  $('adapter').textContent = `${adapterLine(model.adapter)}, in a worker`;
  return model;
}

/** Shows in #batch-progress the batch the GPU just finished (onBatchProgress: no readback). */
export function showBatch(epoch: number, epochs: number, batch: number, batches: number): void {
  $('batch-progress').textContent = `epoch ${epoch}/${epochs}: batch ${batch}/${batches}`;
}

/** A callback that keeps #batch-progress current during a fit of `epochs` epochs of `batches` batches. */
export function batchProgressLine(epochs: number, batches: number): Callback {
  let epoch = 0;
  return {
    onEpochBegin: (e) => void (epoch = e + 1),
    onBatchProgress: (b) => showBatch(epoch, epochs, b + 1, batches),
  };
}

export function showSpeed(stepsPerSecond: number, epochSeconds: number): void {
  setState({ stepsPerSecond });
  $('speed').textContent = `${stepsPerSecond.toFixed(2)} training steps/s (${epochSeconds.toFixed(1)} s per epoch)`;
}

export function showError(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  setState({ status: 'error', error: message });
  const el = $('error');
  el.textContent = message;
  el.hidden = false;
}

export function clearError(): void {
  $('error').hidden = true;
}

/** Boots a page: its own setup; a missing WebGPU is reported on the page when the first model's worker starts. */
export async function boot(setup: () => Promise<void>): Promise<void> {
  try {
    $('adapter').textContent = 'WebGPU runs in a worker; its adapter is named here once a model starts.';
    await setup();
    if (window.demoState.status === 'loading') setState({ status: 'ready' });
  } catch (e) {
    showError(e);
  }
}
