/**
 * Every parameter of a model in one flat float32 buffer, every gradient in another with the same layout, so
 * clipping and the optimizer each touch all weights in one dispatch. Each tensor starts on a 256-byte
 * boundary (WebGPU's storage-binding offset alignment), so a layer binds its weights as plain slices.
 * Padding between tensors stays zero in both buffers.
 */
import { ShapeError, ValueError, formatShape } from '../errors';
import type { BufferRef } from '../gpu/kernel';
import type { Runtime } from '../gpu/runtime';
import type { ParamSpec } from '../layers/layer';
import { checkFinite, toTensor, type Tensor, type TensorLike } from '../tensor';

export const ARENA_ALIGN_FLOATS = 64; // 256 bytes

export interface Segment {
  /** `layerName/weightName`, as Keras names weights in a saved model. */
  path: string;
  layer: number;
  spec: ParamSpec;
  offset: number;
  length: number;
}

export function layoutSegments(perLayer: { layer: string; specs: ParamSpec[] }[]): { segments: Segment[]; total: number } {
  const segments: Segment[] = [];
  let at = 0;
  perLayer.forEach(({ layer, specs }, index) => {
    for (const spec of specs) {
      const length = spec.shape.reduce((a, b) => a * b, 1);
      segments.push({ path: `${layer}/${spec.name}`, layer: index, spec, offset: at, length });
      at += Math.ceil(length / ARENA_ALIGN_FLOATS) * ARENA_ALIGN_FLOATS;
    }
  });
  return { segments, total: Math.max(at, ARENA_ALIGN_FLOATS) };
}

/**
 * Checks a list of weights against the segments it replaces (count, each shape, finite values) and returns
 * them as tensors; nothing is written, so a bad list leaves the model as it was. `count` words the count error
 * for the caller (model or layer), `shapePrefix` starts each shape error.
 */
export function checkWeightList(
  segments: readonly Segment[],
  weights: TensorLike[],
  words: { count: (got: string | number) => string; shapePrefix: string },
): Tensor[] {
  if (!Array.isArray(weights) || weights.length !== segments.length)
    throw new ValueError(words.count(Array.isArray(weights) ? weights.length : typeof weights));
  return weights.map((w, i) => {
    const seg = segments[i]!;
    const t = toTensor(w, seg.path);
    if (formatShape(t.shape) !== formatShape(seg.spec.shape))
      throw new ShapeError(`${words.shapePrefix}${seg.path} must be ${formatShape(seg.spec.shape)}; got ${formatShape(t.shape)}`);
    checkFinite(t, seg.path); // a NaN weight would make every later loss NaN
    return t;
  });
}

export function sliceOf(buffer: GPUBuffer, seg: Segment): BufferRef {
  return { buffer, offset: seg.offset * 4, size: Math.max(seg.length, 1) * 4 };
}

/**
 * Every parameter of a model in one flat buffer. On a WebGPU runtime it is a GPU buffer (with a twin for the
 * gradients); on a wasm runtime a Float32Array on the host (`host`), which the CPU path's layers lay out from.
 */
export class ParameterArena {
  /** The parameters on the host: a wasm runtime's, else null. */
  readonly host: Float32Array | null;
  /** Bumped by every write (src/cpu/training.ts lays its runners out again when it changed). */
  version = 0;
  /** Per layer, the `version` of its last write: the CPU path's predict rebuilds only the layers that changed. */
  private readonly layerVersions: number[];
  private readonly gpu: GPUBuffer | null;
  /** Created on first training use. */
  private gradBuffer: GPUBuffer | null = null;

  /** The arena whose buffers this one views (ParameterArena.shared), or null when it owns its own. */
  private readonly lender: ParameterArena | null;

  constructor(
    private readonly rt: Runtime,
    readonly segments: Segment[],
    readonly total: number,
    lender: ParameterArena | null = null,
  ) {
    const onGpu = rt.backend === 'webgpu';
    this.lender = lender;
    this.layerVersions = new Array<number>(segments.reduce((n, s) => Math.max(n, s.layer + 1), 0)).fill(0);
    this.gpu = lender ? lender.gpu : onGpu ? rt.zeros('webrnn parameters', total) : null;
    this.host = lender ? lender.host : onGpu ? null : new Float32Array(total);
  }

  /**
   * A view of `lender`'s parameters for a model whose layers all belong to the lender's model (inference models
   * built from a trained model's layers share its weights, as in Keras): `layers[i]` is the lender's index of the
   * viewing model's layer i. It allocates and frees nothing; writes through it change the lender's weights.
   */
  static shared(rt: Runtime, lender: ParameterArena, layers: readonly number[]): ParameterArena {
    const segments = layers.flatMap((from, i) => lender.segments.filter((s) => s.layer === from).map((s) => ({ ...s, layer: i })));
    return new ParameterArena(rt, segments, lender.total, lender);
  }

  /** The GPU buffer of the parameters (a wasm runtime has none: WebGPUUnavailableError). */
  get params(): GPUBuffer {
    if (!this.gpu) this.rt.requireWebGpu('a GPU program');
    return this.gpu!;
  }

  get grads(): GPUBuffer {
    if (this.lender) return this.lender.grads;
    this.gradBuffer ??= this.rt.zeros('webrnn gradients', this.total);
    return this.gradBuffer;
  }

  /** Slices by weight name for the segments of layer `index`. */
  views(buffer: GPUBuffer, layer: number): Record<string, BufferRef> {
    const out: Record<string, BufferRef> = {};
    for (const seg of this.segments) if (seg.layer === layer) out[seg.spec.name] = sliceOf(buffer, seg);
    return out;
  }

  /** The `version` at which layer `index`'s parameters last changed (0: never since they were made). */
  layerVersion(index: number): number {
    return this.layerVersions[index] ?? 0;
  }

  /** Marks the parameters of these layers changed in place on the host (the wasm trainer's optimizer step). */
  touch(layers: Iterable<number>): void {
    this.version++;
    for (const l of layers) this.layerVersions[l] = this.version;
  }

  write(seg: Segment, data: Float32Array): void {
    this.version++;
    this.layerVersions[seg.layer] = this.version;
    if (this.host) this.host.set(data.subarray(0, seg.length), seg.offset);
    else this.rt.write(this.params, data, seg.offset);
  }

  /** Reads every parameter back, one readback for all, in segment order. */
  async read(): Promise<Float32Array[]> {
    if (this.host) return this.segments.map((s) => this.host!.slice(s.offset, s.offset + s.length));
    return this.rt.readMany(this.segments.map((s) => ({ ref: this.params, offsetFloats: s.offset, length: s.length })));
  }

  destroy(): void {
    if (this.lender) return;
    if (this.gpu) this.rt.destroyBuffer(this.gpu);
    if (this.gradBuffer) this.rt.destroyBuffer(this.gradBuffer);
  }
}
