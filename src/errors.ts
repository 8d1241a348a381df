/**
 * The named errors webrnn throws. Each message says what was expected, what was received, and what to do,
 * so a user can act on it without reading our source.
 */

/*
 * Every class spells its own name: `err.name` must read 'ShapeError' in the published build and after the app's
 * bundler has minified it, where `new.target.name` (or `constructor.name`) would be a mangled 'd'. A class field
 * rather than an assignment after the class, so each class stays a pure declaration that bundlers can drop.
 */

/** Base class, so `catch (e) { if (e instanceof WebRnnError) ... }` catches every error of ours. */
export class WebRnnError extends Error {
  override name = 'WebRnnError';
}

/** A tensor or weight has the wrong rank or size. */
export class ShapeError extends WebRnnError {
  override name = 'ShapeError';
}

/** An option or hyperparameter is out of range, of the wrong type, or unknown. */
export class ValueError extends WebRnnError {
  override name = 'ValueError';
}

/** No WebGPU adapter could be found (browser without WebGPU, flags off, or no GPU driver). */
export class WebGPUUnavailableError extends WebRnnError {
  override name = 'WebGPUUnavailableError';
}

/** The GPU device was lost (driver reset, `device.destroy()`, out of memory...). */
export class DeviceLostError extends WebRnnError {
  override name = 'DeviceLostError';
  readonly reason: string;
  constructor(reason: string, detail: string) {
    super(
      `The WebGPU device was lost (reason: ${reason}${detail ? `; ${detail}` : ''}). ` +
        'Every GPU buffer of this runtime is gone: create a new runtime with createRuntime() and reload the weights.',
    );
    this.reason = reason;
  }
}

/** A call on a runtime (or an object built on it) after `dispose()`. */
export class DisposedError extends WebRnnError {
  override name = 'DisposedError';
}

/** A saved model or weight file failed a check (which file, which check). */
export class ModelFormatError extends WebRnnError {
  override name = 'ModelFormatError';
}

/**
 * A buffer would exceed one of the device's limits (maxBufferSize, maxStorageBufferBindingSize): thrown before
 * anything is allocated, so the model or batch that asked for it is left as it was.
 */
export class DeviceLimitError extends WebRnnError {
  override name = 'DeviceLimitError';
  readonly limit: string;
  readonly requested: number;
  readonly allowed: number;
  constructor(limit: string, requested: number, allowed: number, message: string) {
    super(message);
    this.limit = limit;
    this.requested = requested;
    this.allowed = allowed;
  }
}

/** The GPU could not allocate a buffer (WebGPU's 'out-of-memory' error). Nothing computed with it is returned. */
export class OutOfMemoryError extends WebRnnError {
  override name = 'OutOfMemoryError';
}

/** The training loss became NaN or ±Infinity; `epoch` and `batch` are 0-based, as callbacks count them. */
export class NonFiniteLossError extends WebRnnError {
  override name = 'NonFiniteLossError';
  readonly epoch: number;
  readonly batch: number;
  constructor(epoch: number, batch: number, message: string) {
    super(message);
    this.epoch = epoch;
    this.batch = batch;
  }
}

/**
 * A model's worker (remoteModel) failed to start or stopped with an uncaught error. The worker is terminated; the
 * weights after its last good epoch stay readable on the page through getLastGoodWeights().
 */
export class WorkerError extends WebRnnError {
  override name = 'WorkerError';
}

/**
 * Every class above by the name it reports, for code that must rebuild an error from its name (a model's worker
 * sends its errors to the page by name: src/worker/wire.ts). Shorthand keys survive minification; a test checks
 * that this lists every exported error class.
 */
export const ERROR_CLASSES: Readonly<Record<string, new (...args: never[]) => Error>> = {
  WebRnnError,
  ShapeError,
  ValueError,
  WebGPUUnavailableError,
  DeviceLostError,
  DisposedError,
  ModelFormatError,
  DeviceLimitError,
  OutOfMemoryError,
  NonFiniteLossError,
  WorkerError,
};

/** An error as it crosses to another thread: its class by name, its message, stack and own fields. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

export function serializeError(e: Error): SerializedError {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k !== 'name' && k !== 'message' && k !== 'stack') fields[k] = v;
  }
  return { name: e.name, message: e.message, stack: e.stack, fields };
}

/** The error as the worker threw it: the same class when it is one of webrnn's, its own fields (epoch, batch, …) kept. */
export function rebuildError(s: SerializedError): Error {
  const cls = ERROR_CLASSES[s.name];
  const e: Error = cls ? (Object.create(cls.prototype) as Error) : new Error(s.message);
  Object.defineProperty(e, 'message', { value: s.message, writable: true, configurable: true });
  if (s.stack !== undefined) Object.defineProperty(e, 'stack', { value: s.stack, writable: true, configurable: true });
  Object.assign(e, s.fields, { name: s.name });
  return e;
}

/** Describes a shape for messages: [32, 60, 1]. */
export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}
