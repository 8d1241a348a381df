/**
 * A plan is a recorded list of dispatches that runs as one compute pass in one submit. Recording builds no GPU
 * objects; `run()` builds the bind groups and the single uniform buffer on first use and reuses them after,
 * so a training loop records once and replays, with no pipeline or bind-group creation in its hot path.
 *
 * Every dispatch's uniforms live in one buffer at 256-byte steps, picked by a dynamic offset: 60 timesteps
 * that differ only in `t` share one bind group.
 */
import { ValueError } from '../errors';
import { bufferOf, type BufferRef, type Kernel } from './kernel';
import { packUniforms } from './uniforms';
import type { Runtime } from './runtime';

export interface DispatchSpec {
  kernel: Kernel;
  constants?: Record<string, number>;
  bindings: Record<string, BufferRef>;
  uniforms?: Record<string, number>;
  workgroups: readonly [number, number?, number?];
}

/**
 * A copy encoded after a plan's work, in the same submit: an output into its place in a result buffer, or into
 * a staging buffer to read. Offsets and counts in floats.
 */
export interface OutputCopy {
  from: BufferRef;
  fromOffset?: number;
  to: BufferRef;
  toOffset?: number;
  floats: number;
}

interface Recorded {
  spec: DispatchSpec;
  uniformBytes: ArrayBuffer | null;
  bindGroupKey: string;
}

/** A clear or a buffer-to-buffer copy recorded between dispatches (both run outside a compute pass). */
type Transfer = { kind: 'clear'; ref: BufferRef } | { kind: 'copy'; from: GPUBuffer; fromByte: number; to: GPUBuffer; toByte: number; bytes: number };

interface Built {
  uniformBuffer: GPUBuffer | null;
  bindGroups: Map<string, GPUBindGroup>;
}

export class Plan {
  private readonly rt: Runtime;
  private readonly label: string;
  private readonly steps: Recorded[] = [];
  /** Clears and copies, by the index of the dispatch they precede. */
  private readonly transfers = new Map<number, Transfer[]>();
  private built: Built | null = null;
  private prepared = false;
  /** Buffer identities for bind-group keys: dispatches that bind the same ranges share one bind group. */
  private readonly bufferIds = new Map<GPUBuffer, number>();

  constructor(rt: Runtime, label: string) {
    this.rt = rt;
    this.label = label;
  }

  get length(): number {
    return this.steps.length;
  }

  dispatch(spec: DispatchSpec): this {
    if (this.built) throw new ValueError(`Plan '${this.label}' already ran; record every dispatch before the first run()`);
    this.prepared = false;
    const iface = spec.kernel.iface;
    const names = new Set(Object.keys(spec.bindings));
    const parts: string[] = [spec.kernel.label, JSON.stringify(spec.constants ?? {})];
    for (const b of iface.bindings) {
      if (b.kind === 'uniform') continue;
      const ref = spec.bindings[b.name];
      if (!ref) throw new ValueError(`${iface.label}: binding '${b.name}' was not given a buffer`);
      names.delete(b.name);
      parts.push(`${b.name}=${this.refKey(ref)}`);
    }
    if (names.size > 0) {
      throw new ValueError(`${iface.label}: no binding named ${[...names].join(', ')}; it has ${iface.bindings.map((b) => b.name).join(', ')}`);
    }
    const uniformBytes = iface.uniform ? packUniforms(iface.uniform, spec.uniforms ?? {}, iface.label) : null;
    if (!iface.uniform && spec.uniforms && Object.keys(spec.uniforms).length > 0) {
      throw new ValueError(`${iface.label}: the kernel has no uniforms but was given ${Object.keys(spec.uniforms).join(', ')}`);
    }
    this.steps.push({ spec, uniformBytes, bindGroupKey: parts.join('|') });
    return this;
  }

  /**
   * Zeroes `ref` before the next recorded dispatch (e.g. a gradient carried in place across a backward loop
   * must start from zero on every run of the plan). Whole ranges only: offset and size multiples of 4 bytes.
   */
  clear(ref: BufferRef): this {
    if (this.built) throw new ValueError(`Plan '${this.label}' already ran; record every clear before the first run()`);
    return this.transfer({ kind: 'clear', ref });
  }

  /**
   * Copies `floats` floats from `from` (+ `fromOffset` floats) to `to` (+ `toOffset` floats) before the next
   * recorded dispatch: how a layer carries its states between runs, or moves a row that sits at an offset no
   * storage binding can start at (bindings need 256-byte alignment, copies only 4). `from` and `to` must be
   * different buffers (WebGPU forbids a copy within one buffer).
   */
  copy(from: BufferRef, to: BufferRef, floats: number, fromOffset = 0, toOffset = 0): this {
    if (this.built) throw new ValueError(`Plan '${this.label}' already ran; record every copy before the first run()`);
    const src = bufferOf(from);
    const dst = bufferOf(to);
    if (src === dst) throw new ValueError(`Plan '${this.label}': a copy needs two different buffers; got '${src.label}' twice`);
    const byteOf = (ref: BufferRef, floatsIn: number) => ('buffer' in ref ? ref.offset : 0) + floatsIn * 4;
    return this.transfer({ kind: 'copy', from: src, fromByte: byteOf(from, fromOffset), to: dst, toByte: byteOf(to, toOffset), bytes: floats * 4 });
  }

  private transfer(t: Transfer): this {
    const at = this.steps.length;
    this.transfers.set(at, [...(this.transfers.get(at) ?? []), t]);
    return this;
  }

  /**
   * Compiles the pipelines of every recorded dispatch that the device does not have yet, concurrently and off
   * the page's thread (Runtime.preparePipelines). Await it once before the first run; a plan run without it
   * compiles what it lacks synchronously at its first encode.
   */
  async prepare(): Promise<void> {
    if (this.prepared) return;
    await this.rt.preparePipelines(this.steps.map((s) => ({ kernel: s.spec.kernel, ...(s.spec.constants ? { constants: s.spec.constants } : {}) })));
    this.prepared = true;
  }

  /** Encodes every dispatch into `encoder`: one compute pass, split only where a clear or copy sits between dispatches. */
  private encode(encoder: GPUCommandEncoder): void {
    this.rt.check();
    const built = (this.built ??= this.build());
    let pass: GPUComputePassEncoder | null = null;
    const stride = this.uniformStride();
    const clearAt = (i: number) => {
      const list = this.transfers.get(i);
      if (!list) return;
      pass?.end();
      pass = null;
      for (const t of list) {
        if (t.kind === 'copy') encoder.copyBufferToBuffer(t.from, t.fromByte, t.to, t.toByte, t.bytes);
        else if ('buffer' in t.ref) encoder.clearBuffer(t.ref.buffer, t.ref.offset, t.ref.size);
        else encoder.clearBuffer(t.ref);
      }
    };
    this.steps.forEach((step, i) => {
      clearAt(i);
      pass ??= encoder.beginComputePass({ label: this.label });
      const { pipeline } = this.rt.pipeline(step.spec.kernel, step.spec.constants);
      pass.setPipeline(pipeline);
      const group = built.bindGroups.get(step.bindGroupKey)!;
      pass.setBindGroup(0, group, step.uniformBytes ? [i * stride] : []);
      const [x, y = 1, z = 1] = step.spec.workgroups;
      pass.dispatchWorkgroups(x, y, z);
    });
    (pass as GPUComputePassEncoder | null)?.end();
    // Transfers recorded after the last dispatch run after the pass; it must not be ended twice.
    pass = null;
    clearAt(this.steps.length);
    this.rt.countDispatches(this.steps.length);
  }

  /**
   * Encodes and submits: one submit for the whole plan, then `copies` (which change from run to run, unlike the
   * recorded work: where a batch's output lands, for instance). Nothing is read back.
   */
  run(copies: readonly OutputCopy[] = []): void {
    const encoder = this.rt.device.createCommandEncoder({ label: this.label });
    this.encode(encoder);
    const byteOf = (ref: BufferRef, floats = 0) => ('buffer' in ref ? ref.offset : 0) + floats * 4;
    for (const c of copies) encoder.copyBufferToBuffer(bufferOf(c.from), byteOf(c.from, c.fromOffset), bufferOf(c.to), byteOf(c.to, c.toOffset), c.floats * 4);
    this.rt.submit([encoder.finish()]);
  }

  /** Frees the plan's own uniform buffer. The buffers it was given belong to the caller. */
  destroy(): void {
    if (this.built?.uniformBuffer) this.rt.destroyBuffer(this.built.uniformBuffer);
    this.built = null;
  }

  private refKey(ref: BufferRef): string {
    const buffer = bufferOf(ref);
    let id = this.bufferIds.get(buffer);
    if (id === undefined) {
      id = this.bufferIds.size + 1;
      this.bufferIds.set(buffer, id);
    }
    return 'buffer' in ref ? `${id}@${ref.offset}+${ref.size}` : `${id}`;
  }

  private uniformStride(): number {
    const align = this.rt.limits.minUniformBufferOffsetAlignment;
    const largest = Math.max(16, ...this.steps.map((s) => s.uniformBytes?.byteLength ?? 0));
    return Math.ceil(largest / align) * align;
  }

  private build(): Built {
    const stride = this.uniformStride();
    const withUniforms = this.steps.some((s) => s.uniformBytes);
    let uniformBuffer: GPUBuffer | null = null;
    if (withUniforms) {
      const bytes = new Uint8Array(stride * this.steps.length);
      this.steps.forEach((s, i) => {
        if (s.uniformBytes) bytes.set(new Uint8Array(s.uniformBytes), i * stride);
      });
      uniformBuffer = this.rt.createBuffer(`${this.label} uniforms`, bytes.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
      this.rt.device.queue.writeBuffer(uniformBuffer, 0, bytes);
    }
    const bindGroups = new Map<string, GPUBindGroup>();
    for (const step of this.steps) {
      if (bindGroups.has(step.bindGroupKey)) continue;
      const { layout } = this.rt.pipeline(step.spec.kernel, step.spec.constants);
      const iface = step.spec.kernel.iface;
      const entries: GPUBindGroupEntry[] = iface.bindings.map((b) => {
        if (b.kind === 'uniform') return { binding: b.binding, resource: { buffer: uniformBuffer!, offset: 0, size: iface.uniform!.size } };
        const ref = step.spec.bindings[b.name]!;
        const resource: GPUBufferBinding = 'buffer' in ref ? { buffer: ref.buffer, offset: ref.offset, size: ref.size } : { buffer: ref };
        return { binding: b.binding, resource };
      });
      bindGroups.set(step.bindGroupKey, this.rt.device.createBindGroup({ label: step.spec.kernel.label, layout, entries }));
    }
    return { uniformBuffer, bindGroups };
  }
}
