/**
 * The runtime owns one GPUDevice and everything made on it: the pipeline cache, the buffers (counted, so
 * leaks show), the readback path, and the device-loss state. There is no module-level GPU state: two runtimes
 * on two devices never share a pipeline or a buffer. A wasm runtime (Backend) has no device: models on it keep
 * their parameters on the host and run src/cpu/, and whatever needs the device says so (requireWebGpu).
 */
import { coreCount, threadsUnavailableBecause, wasmUnavailableBecause } from '../cpu/wasmInstance';
import { DeviceLostError, DisposedError, ValueError, WebGPUUnavailableError } from '../errors';
import { AllocationWatch, checkBufferLimits } from './allocations';
import { bufferOf, type BufferRef, type Kernel } from './kernel';

// The numeric GPUBufferUsage flags: that global exists only in browsers, and unit tests import this in Node.
const STORAGE_USAGE = 0x80 | 0x08 | 0x04; // STORAGE | COPY_DST | COPY_SRC

/**
 * Where a runtime computes. 'webgpu': a GPU device (or SwiftShader's emulation of one). 'wasm': WebAssembly SIMD on
 * the CPU (src/cpu/), no WebGPU needed: Sequential models' predict, predictStep, fit, evaluate, fitDataset,
 * fitRidge and layer.apply (the functional ops of src/ops/ stay GPU programs). 'auto' (the default): WebGPU on a
 * hardware adapter; wasm where there is no adapter or only a CPU-emulated one (isFallback), where it is faster.
 */
export type Backend = 'auto' | 'webgpu' | 'wasm';
const BACKENDS: readonly Backend[] = ['auto', 'webgpu', 'wasm'];

export interface RuntimeOptions {
  /** 'auto' (default), 'webgpu' or 'wasm': see Backend. A `device` given here means 'webgpu'. */
  backend?: Backend;
  /** Use this device instead of requesting one. The runtime then does not destroy it on dispose(). */
  device?: GPUDevice;
  /**
   * The WebGPU entry point to request an adapter from: `navigator.gpu` when absent. webrnn/node passes Dawn's, so
   * a Node runtime gets the same raised limits as a page's.
   */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
  /**
   * Fill every new buffer with NaN. Tests use it so that an output element a kernel never wrote shows up as a
   * mismatch instead of a lucky zero.
   */
  poisonNewBuffers?: boolean;
  /**
   * Which kernel variants the layers run, overriding the per-adapter defaults (chosen by measurement: see
   * defaultLstmVariant in src/kernels/lstmStep.ts). For tuning on a new GPU and for tests; results are the same.
   */
  kernels?: KernelChoice;
  /**
   * The wasm backend's threads (ignored on WebGPU): a count, 1 for single-threaded, or 'auto' (the default): the
   * machine's cores up to 4 where threads can run (a cross-origin isolated page, or Node), else 1. A predict or a
   * training step big enough to gain splits its rows between them (src/cpu/threads.ts); `rt.threads` says how many
   * there are, `rt.threadStats` what they did.
   */
  threads?: number | 'auto';
}

/** What the runtime needs of the wasm backend's worker pool (src/cpu/threads.ts), which it owns but does not import. */
interface ThreadPoolLike {
  calls: number;
  redone: number;
  unavailable: string | null;
  forget(model: object): void;
  dispose(): void;
}

/** Kernel variants by cell; each one unset takes the adapter's measured default. */
export interface KernelChoice {
  lstm?: 'step' | 'vec4' | 'seq';
  /** defaultGruVariant in src/kernels/gruStep.ts. */
  gru?: 'step' | 'vec4';
  /** defaultSruVariant in src/kernels/sruSeq.ts ('single' applies to one-feature inputs only). */
  sru?: 'seq' | 'single';
  /** The SimpleRNN's and echo-state reservoir's forward kernels: defaultSimpleRnnVariant in src/kernels/simpleRnnStep.ts. */
  simpleRnn?: 'step' | 'seq' | 'sparse' | 'sparseStep';
}
const KERNEL_VARIANTS: Record<keyof KernelChoice, readonly string[]> = {
  lstm: ['step', 'vec4', 'seq'],
  gru: ['step', 'vec4'],
  sru: ['seq', 'single'],
  simpleRnn: ['step', 'seq', 'sparse', 'sparseStep'],
};

function checkKernelChoice(choice: KernelChoice | undefined): KernelChoice {
  for (const [cell, variant] of Object.entries(choice ?? {})) {
    const known = KERNEL_VARIANTS[cell as keyof KernelChoice];
    if (!known) throw new ValueError(`createRuntime: kernels has no cell '${cell}'; it knows ${Object.keys(KERNEL_VARIANTS).join(', ')}`);
    if (variant !== undefined && !known.includes(variant))
      throw new ValueError(`createRuntime: kernels.${cell} must be one of ${known.map((v) => `'${v}'`).join(', ')}; got ${JSON.stringify(variant)}`);
  }
  return { ...(choice ?? {}) };
}

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for CPU emulations (SwiftShader, WARP, llvmpipe): fine for correctness, not for speed claims. */
  isFallback: boolean;
}

export interface RuntimeStats {
  /** Live buffers and their bytes, as created through this runtime. */
  buffers: number;
  bytes: number;
  dispatches: number;
  submits: number;
  readbacks: number;
  /** Compute pipelines compiled so far (each kernel × override constants once per device). */
  pipelines: number;
}

export interface CompiledKernel {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

function pipelineKey(kernel: Kernel, constants: Record<string, number>): string {
  return `${kernel.label}|${JSON.stringify(constants, Object.keys(constants).sort())}`;
}

const ENABLE_HINT =
  'In Chrome/Chromium, WebGPU needs a secure context (https or localhost); headless or on Linux start it with ' +
  '--enable-unsafe-webgpu (and --use-webgpu-adapter=swiftshader where there is no GPU). ' +
  'See https://caniuse.com/webgpu for other browsers.';

/** Limits the kernels want as high as the adapter allows (large sequences and batches need big buffers). */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
] as const;

export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  checkKernelChoice(options.kernels);
  const backend = options.backend ?? 'auto';
  if (!BACKENDS.includes(backend)) throw new ValueError(`createRuntime: backend must be 'auto', 'webgpu' or 'wasm'; got ${JSON.stringify(backend)}`);
  checkThreads(options.threads);
  if (backend === 'wasm') return wasmRuntime(options, 'asked for');
  if (options.device) return new Runtime(options.device, summarizeAdapter(options.device.adapterInfo), false, options);
  const gpu = options.gpu ?? (globalThis as { navigator?: Navigator }).navigator?.gpu;
  const noGpu = `WebGPU is not available here (navigator.gpu is undefined). ${ENABLE_HINT}`;
  if (!gpu) return backend === 'auto' ? wasmRuntime(options, noGpu) : Promise.reject(new WebGPUUnavailableError(noGpu));
  const adapter = await gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : {});
  const noAdapter = `navigator.gpu.requestAdapter() found no adapter. ${ENABLE_HINT}`;
  if (!adapter) return backend === 'auto' ? wasmRuntime(options, noAdapter) : Promise.reject(new WebGPUUnavailableError(noAdapter));
  const summary = summarizeAdapter(adapter.info);
  // On a CPU emulation of a GPU (SwiftShader, WARP, llvmpipe) the wasm backend is the faster way to the same numbers
  // (measured: README "Backends", bench/results/wasm-training-2026-12-07.md); 'webgpu' still takes the adapter, and so
  // does 'auto' where WebAssembly SIMD cannot run (no SIMD, or a Content-Security-Policy that forbids compiling).
  if (backend === 'auto' && summary.isFallback && wasmUnavailableBecause() === null)
    return wasmRuntime(options, `'auto' chose WebAssembly over the CPU-emulated adapter ${adapterName(summary)}`);
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ requiredLimits, label: 'webrnn' });
  return new Runtime(device, summary, true, options);
}

function adapterName(a: AdapterSummary): string {
  return [a.vendor, a.architecture, a.description].filter(Boolean).join(' ') || '(unnamed)';
}

/** What `rt.adapter` says of a wasm runtime: no GPU, the CPU through WebAssembly. */
const WASM_ADAPTER: AdapterSummary = { vendor: 'webrnn', architecture: 'wasm', device: 'CPU', description: 'WebAssembly SIMD on the CPU', isFallback: false };

function checkThreads(threads: RuntimeOptions['threads']): void {
  if (threads === undefined || threads === 'auto' || (Number.isInteger(threads) && threads >= 1 && threads <= 64)) return;
  throw new ValueError(`createRuntime: threads must be 'auto' or a whole number from 1 to 64; got ${JSON.stringify(threads)}`);
}

/** The wasm backend's thread count for RuntimeOptions.threads; a count above 1 where threads cannot run is a ValueError. */
async function wasmThreads(asked: number | 'auto'): Promise<number> {
  const why = threadsUnavailableBecause();
  if (asked === 'auto') return why ? 1 : Math.min(4, await coreCount());
  if (asked > 1 && why) throw new ValueError(`createRuntime({ threads: ${asked} }): the wasm backend cannot run threads here: ${why}; or use threads: 1`);
  return asked;
}

/** A runtime on WebAssembly; `why`: the reason WebGPU is not used, which its GPU-only calls repeat. */
async function wasmRuntime(options: RuntimeOptions, why: string): Promise<Runtime> {
  const noWasm = wasmUnavailableBecause();
  if (noWasm !== null) {
    throw new WebGPUUnavailableError(
      why === 'asked for'
        ? `createRuntime({ backend: 'wasm' }): ${noWasm}; use backend 'auto' or 'webgpu' where there is WebGPU`
        : `neither WebGPU nor WebAssembly SIMD can run here, so webrnn cannot: ${why} And ${noWasm}.`,
    );
  }
  return new Runtime(null, WASM_ADAPTER, false, options, why, await wasmThreads(options.threads ?? 'auto'));
}

/** What a runtime says of its adapter (Runtime.adapter), from the adapter's info. */
export function summarizeAdapter(info: GPUAdapterInfo | undefined): AdapterSummary {
  const vendor = info?.vendor ?? '';
  const architecture = info?.architecture ?? '';
  const device = info?.device ?? '';
  const description = info?.description ?? '';
  const all = `${vendor} ${architecture} ${device} ${description}`.toLowerCase();
  const isFallback =
    (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|warp|basic render/.test(all);
  return { vendor, architecture, device, description, isFallback };
}

/**
 * Throws a ValueError unless `rt` is a Runtime from createRuntime(): `sequential()` or `loadLayersModel(url)` called
 * as in TF.js (which keeps its backend global) would otherwise fail later, far from the cause.
 */
export function checkRuntime(rt: unknown, call: string): asserts rt is Runtime {
  if (rt instanceof Runtime) return;
  throw new ValueError(
    `${call} needs a runtime as its first argument: const rt = await createRuntime(); ${call}(rt, …). webrnn keeps no global backend, unlike TF.js; got ${whatCame(rt)}`,
  );
}

/** What came in place of the runtime, for checkRuntime's message. */
function whatCame(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 60))} (the runtime comes first, then the source)`;
  if (typeof value !== 'object') return `${typeof value} ${String(value)}`;
  return value.constructor === Object || !value.constructor ? 'a plain object' : `a ${value.constructor.name}`;
}

export class Runtime {
  /** Where this runtime computes: a GPU device ('webgpu') or WebAssembly on the CPU ('wasm'; Backend). */
  readonly backend: 'webgpu' | 'wasm';
  readonly adapter: AdapterSummary;
  private readonly gpuDevice: GPUDevice | null;
  /** Why a wasm runtime is not on WebGPU, for the errors of its GPU-only calls. */
  private readonly noGpuBecause: string;
  readonly poisonNewBuffers: boolean;
  /** RuntimeOptions.kernels: the variants the caller pinned. */
  readonly kernels: KernelChoice;
  /** The wasm backend's threads: RuntimeOptions.threads resolved (1 on WebGPU). */
  readonly threads: number;
  /** The wasm backend's workers when threads > 1 (src/cpu/threads.ts's ThreadPool), made by the first call that splits. */
  private pool: ThreadPoolLike | null = null;
  private readonly ownsDevice: boolean;
  private readonly pipelines = new Map<string, CompiledKernel>();
  /** Pipelines being compiled by preparePipelines, so two plans that need one wait for the same compile. */
  private readonly compiling = new Map<string, Promise<void>>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly live = new Map<GPUBuffer, number>();
  private lostInfo: GPUDeviceLostInfo | null = null;
  private disposed = false;
  /** What whenDisposed was given, run by dispose(). */
  private readonly disposers: (() => void)[] = [];
  private counters = { dispatches: 0, submits: 0, readbacks: 0, pipelines: 0 };
  /** Out-of-memory scopes around buffer creation (src/gpu/allocations.ts). */
  private readonly allocations: AllocationWatch | null;
  /**
   * The WebGPU entry point the device came from when it was not navigator.gpu, held as long as the runtime: Dawn
   * in Node (webrnn/node) tears its instance down when that object is collected, devices and all.
   */
  private readonly entryPoint: GPU | null;

  /** `device` null: a wasm runtime (createRuntime's wasmRuntime), `noGpuBecause` saying why. */
  constructor(device: GPUDevice | null, adapter: AdapterSummary, ownsDevice: boolean, options: RuntimeOptions, noGpuBecause = '', threads = 1) {
    this.threads = threads;
    this.gpuDevice = device;
    this.backend = device ? 'webgpu' : 'wasm';
    this.noGpuBecause = noGpuBecause;
    this.adapter = adapter;
    this.ownsDevice = ownsDevice;
    this.poisonNewBuffers = options.poisonNewBuffers ?? false;
    this.kernels = checkKernelChoice(options.kernels);
    this.allocations = device ? new AllocationWatch(device) : null;
    // A wasm runtime holds none: Dawn, loaded only to find a CPU-emulated adapter, can then be collected.
    this.entryPoint = device ? (options.gpu ?? null) : null;
    void device?.lost.then((info) => {
      // A deliberate dispose() destroys the device too; that is not a loss the user needs to hear about.
      if (!this.disposed) this.lostInfo = info;
      // A lost device waits for nothing more: what whenDisposed holds for it can go now, once.
      for (const release of this.disposers.splice(0)) release();
    });
  }

  /** The out-of-memory scopes of the GPU device (GPU-only, as `device`). */
  private get watch(): AllocationWatch {
    if (!this.allocations) this.requireWebGpu('this call');
    return this.allocations!;
  }

  /** The GPU device; on a wasm runtime, a WebGPUUnavailableError naming what needs WebGPU. */
  get device(): GPUDevice {
    if (!this.gpuDevice) this.requireWebGpu('this call');
    return this.gpuDevice!;
  }

  /**
   * Throws a WebGPUUnavailableError unless this runtime is on WebGPU: what a model's GPU-only calls (training) do
   * first on a wasm runtime, before they change anything.
   */
  requireWebGpu(what: string): void {
    if (this.gpuDevice) return;
    const why =
      this.noGpuBecause === 'asked for'
        ? "it was created with backend: 'wasm'"
        : this.noGpuBecause.startsWith("'auto'")
          ? this.noGpuBecause
          : `WebGPU is missing: ${this.noGpuBecause}`;
    throw new WebGPUUnavailableError(
      `${what} needs WebGPU, and this runtime computes with WebAssembly on the CPU (${why}). The wasm backend runs the ` +
        `models' calls; for this one use a runtime from createRuntime({ backend: 'webgpu' }).`,
    );
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  get stats(): RuntimeStats {
    let bytes = 0;
    for (const size of this.live.values()) bytes += size;
    return { buffers: this.live.size, bytes, ...this.counters };
  }

  /**
   * The wasm backend's threads at work: the predicts and training steps split between them so far, the workers'
   * shares of those the calling thread computed instead (a worker short of memory, or gone), and why the threads
   * stopped for good, if they did (the runtime then computes on one thread).
   */
  get threadStats(): { splits: number; redone: number; unavailable: string | null } {
    return { splits: this.pool?.calls ?? 0, redone: this.pool?.redone ?? 0, unavailable: this.pool?.unavailable ?? null };
  }

  /** For src/model/sequential.ts: the wasm backend's worker pool, made by `make` on first use; a disposed runtime refuses. */
  threadPoolFor<P extends ThreadPoolLike>(make: () => P): P {
    this.check();
    return (this.pool ??= make()) as P;
  }

  /** For webrnn/node (src/node.ts): runs `release` once, when this runtime is disposed or its device is lost. */
  whenDisposed(release: () => void): void {
    if (this.disposed) release();
    else this.disposers.push(release);
  }

  /** For src/model/sequential.ts: the workers let go of their copy of a disposed model (its parameter arena). */
  releaseThreaded(arena: object): void {
    this.pool?.forget(arena);
  }

  /** Throws if the runtime can no longer be used. Every public entry point calls it first. */
  check(): void {
    if (this.disposed) throw new DisposedError('This webrnn runtime was disposed; create a new one with createRuntime().');
    if (this.lostInfo) throw new DeviceLostError(this.lostInfo.reason, this.lostInfo.message);
  }

  /**
   * The compute pipeline for `kernel` with these override constants, built once per device. Plans ask for
   * theirs ahead of time (`preparePipelines`, asynchronously and all at once); a pipeline asked for here first is
   * compiled synchronously, which blocks the page while the driver compiles.
   */
  pipeline(kernel: Kernel, constants: Record<string, number> = {}): CompiledKernel {
    const key = pipelineKey(kernel, constants);
    let entry = this.pipelines.get(key);
    if (!entry) {
      const layout = this.bindGroupLayout(kernel);
      const pipeline = this.device.createComputePipeline(this.pipelineDescriptor(kernel, constants, layout));
      entry = { pipeline, layout };
      this.pipelines.set(key, entry);
      this.counters.pipelines += 1;
    }
    return entry;
  }

  /**
   * Compiles every pipeline in `kernels` that this device does not have yet, concurrently, with
   * createComputePipelineAsync: the driver compiles them off the page's thread, in parallel where it can. Called
   * once per plan before its first run, so the hot loop never compiles.
   */
  async preparePipelines(kernels: readonly { kernel: Kernel; constants?: Record<string, number> }[]): Promise<void> {
    this.check();
    const waits: Promise<unknown>[] = [];
    for (const { kernel, constants = {} } of kernels) {
      const key = pipelineKey(kernel, constants);
      if (this.pipelines.has(key)) continue;
      let pending = this.compiling.get(key);
      if (!pending) {
        const layout = this.bindGroupLayout(kernel);
        pending = this.device
          .createComputePipelineAsync(this.pipelineDescriptor(kernel, constants, layout))
          .then((pipeline) => {
            if (!this.pipelines.has(key)) {
              this.pipelines.set(key, { pipeline, layout });
              this.counters.pipelines += 1;
            }
          })
          .catch(async (err: unknown) => {
            throw (
              (await this.lostOrDisposed()) ?? new ValueError(`compiling kernel ${kernel.label} failed: ${err instanceof Error ? err.message : String(err)}`)
            );
          })
          .finally(() => this.compiling.delete(key));
        this.compiling.set(key, pending);
      }
      waits.push(pending);
    }
    await Promise.all(waits);
  }

  private bindGroupLayout(kernel: Kernel): GPUBindGroupLayout {
    let layout = this.layouts.get(kernel.label);
    if (!layout) {
      layout = this.device.createBindGroupLayout({
        label: kernel.label,
        entries: kernel.iface.bindings.map((b) => ({
          binding: b.binding,
          visibility: GPUShaderStage.COMPUTE,
          // Uniforms take a dynamic offset so one buffer holds the uniforms of every dispatch in a submit.
          buffer: b.kind === 'uniform' ? { type: 'uniform', hasDynamicOffset: true } : { type: b.kind },
        })),
      });
      this.layouts.set(kernel.label, layout);
    }
    return layout;
  }

  private pipelineDescriptor(kernel: Kernel, constants: Record<string, number>, layout: GPUBindGroupLayout): GPUComputePipelineDescriptor {
    // One module per shader file: its entry points share the parse.
    let module = this.modules.get(kernel.source);
    if (!module) {
      module = this.device.createShaderModule({ label: kernel.label.split('.')[0], code: kernel.source });
      this.modules.set(kernel.source, module);
    }
    return {
      label: kernel.label,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: kernel.entry, constants },
    };
  }

  createBuffer(label: string, byteLength: number, usage: GPUBufferUsageFlags = STORAGE_USAGE): GPUBuffer {
    this.check();
    const size = Math.max(16, Math.ceil(byteLength / 16) * 16);
    checkBufferLimits(this.limits, label, size, usage);
    const poison = this.poisonNewBuffers;
    const buffer = this.allocate({ label, size, usage, mappedAtCreation: poison });
    if (poison) {
      new Float32Array(buffer.getMappedRange()).fill(Number.NaN);
      buffer.unmap();
    }
    this.live.set(buffer, size);
    return buffer;
  }

  /** A storage buffer holding `data` (padded to 16 bytes). */
  upload(label: string, data: Float32Array, usage: GPUBufferUsageFlags = STORAGE_USAGE): GPUBuffer {
    const buffer = this.createBuffer(label, data.byteLength, usage);
    this.write(buffer, data);
    return buffer;
  }

  /** Queues a write of `data` into `buffer` at `offsetFloats`; it lands before the next submit runs. */
  write(buffer: GPUBuffer, data: Float32Array, offsetFloats = 0): void {
    this.check();
    this.device.queue.writeBuffer(buffer, offsetFloats * 4, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  }

  /** A storage buffer of `length` zeros. */
  zeros(label: string, length: number): GPUBuffer {
    // WebGPU zero-fills new buffers; only a poisoned one needs the write. Creating first also checks the
    // device limits before any host memory is spent on a buffer that cannot exist.
    const buffer = this.createBuffer(label, Math.max(1, length) * 4);
    if (this.poisonNewBuffers) this.write(buffer, new Float32Array(Math.max(1, length)));
    return buffer;
  }

  destroyBuffer(buffer: GPUBuffer): void {
    this.watch.forget(buffer);
    if (this.live.delete(buffer)) buffer.destroy();
  }

  private allocate(descriptor: GPUBufferDescriptor): GPUBuffer {
    const { buffers, bytes } = this.stats;
    return this.watch.create(descriptor, `${bytes.toLocaleString('en-US')} bytes in ${buffers} buffers already allocated by this runtime`);
  }

  countDispatches(n: number): void {
    this.counters.dispatches += n;
  }

  submit(commands: GPUCommandBuffer[]): void {
    this.check();
    this.device.queue.submit(commands);
    this.counters.submits += 1;
  }

  /** Copies `length` floats from `ref` (starting `offsetFloats` in) back to the host. */
  async read(ref: BufferRef, length: number, offsetFloats = 0): Promise<Float32Array> {
    const [data] = await this.readMany([{ ref, length, offsetFloats }]);
    return data!;
  }

  /** Reads several ranges with one staging buffer, one submit and one map. */
  async readMany(ranges: readonly { ref: BufferRef; length: number; offsetFloats?: number }[]): Promise<Float32Array[]> {
    this.check();
    const total = ranges.reduce((sum, r) => sum + r.length, 0);
    const staging = this.allocate({
      label: 'webrnn readback',
      size: Math.max(16, Math.ceil((total * 4) / 16) * 16),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    try {
      const encoder = this.device.createCommandEncoder({ label: 'webrnn readback' });
      let at = 0;
      for (const r of ranges) {
        const base = 'buffer' in r.ref ? r.ref.offset : 0;
        if (r.length > 0) encoder.copyBufferToBuffer(bufferOf(r.ref), base + (r.offsetFloats ?? 0) * 4, staging, at * 4, r.length * 4);
        at += r.length;
      }
      this.submit([encoder.finish()]);
      this.counters.readbacks += 1;
      try {
        await staging.mapAsync(GPUMapMode.READ);
      } catch (err) {
        throw await this.explain(err);
      }
      const all = new Float32Array(staging.getMappedRange().slice(0));
      // Data computed while a buffer's allocation had failed is not data: report the failure instead.
      const oom = await this.watch.failure();
      if (oom) throw oom;
      at = 0;
      return ranges.map((r) => {
        const part = all.slice(at, at + r.length);
        at += r.length;
        return part;
      });
    } finally {
      this.watch.forget(staging);
      staging.destroy();
    }
  }

  /**
   * Maps a MAP_READ staging buffer the caller keeps and reuses (src/gpu/readback.ts), counted as a readback;
   * a failure caused by device loss becomes a DeviceLostError.
   */
  async mapForRead(staging: GPUBuffer): Promise<void> {
    this.check();
    this.counters.readbacks += 1;
    try {
      await staging.mapAsync(GPUMapMode.READ);
    } catch (err) {
      throw await this.explain(err);
    }
    // As in readMany: no numbers while a buffer whose allocation failed is alive (unmapped, so a retry can map).
    const oom = await this.watch.failure();
    if (oom) {
      staging.unmap();
      throw oom;
    }
  }

  /** A failed GPU promise becomes a DeviceLostError when the device went away meanwhile. */
  private async explain(err: unknown): Promise<unknown> {
    return (await this.lostOrDisposed()) ?? (await this.watch.failure()) ?? err;
  }

  /** After a failed GPU promise: the DeviceLostError or DisposedError that explains it, if any. */
  private async lostOrDisposed(): Promise<DeviceLostError | DisposedError | null> {
    // device.lost settles in a task of its own, after the failed promise; wait for it a little before deciding.
    await Promise.race([this.device.lost, new Promise((resolve) => setTimeout(resolve, 1000))]);
    if (this.disposed) return new DisposedError('The webrnn runtime was disposed while a GPU operation was pending.');
    if (this.lostInfo) return new DeviceLostError(this.lostInfo.reason, this.lostInfo.message);
    return null;
  }

  /** Frees every buffer and, if this runtime created the device, the device. Later calls throw DisposedError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    try {
      for (const buffer of this.live.keys()) buffer.destroy();
      this.live.clear();
      this.allocations?.clear();
      this.pipelines.clear();
      this.compiling.clear();
      this.layouts.clear();
      this.modules.clear();
      this.pool?.dispose();
      this.pool = null;
      if (this.ownsDevice) this.gpuDevice?.destroy();
    } finally {
      for (const release of this.disposers.splice(0)) release();
    }
  }
}
