/**
 * Streaming inference (`model.predictStep`): a stateful model fed one timestep at a time, as text generation
 * and live sensor forecasting need. The model is bound once more for a single timestep, on the same weights
 * (the arena) and the same kept states (src/model/states.ts) as predict and fit. A step is then: one small
 * write of x, one command buffer (every layer's dispatches, the state copies, and the copy of the output into a
 * staging buffer kept for the purpose), one submit, one map of that staging buffer. No weight upload, and no
 * pipeline, bind group or buffer creation after the first step.
 */
import { ShapeError, ValueError, formatShape } from '../errors';
import { Readback } from '../gpu/readback';
import type { Runtime } from '../gpu/runtime';
import type { Layer } from '../layers/layer';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import type { ParameterArena } from './arena';
import { bindModel, type BoundModel } from './program';

export class StreamProgram {
  private readonly bound: BoundModel;
  private readonly readback: Readback;
  /** Steps run one after another: a step's copy must not land in the staging buffer while it is mapped. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly rt: Runtime,
    layers: Layer[],
    arena: ParameterArena,
    readonly batch: number,
    idsInput: boolean,
    states: readonly (GPUBuffer[] | undefined)[],
  ) {
    this.bound = bindModel(rt, layers, arena, batch, false, idsInput, { states, timesteps: 1 });
    const out = this.bound.output;
    try {
      this.readback = new Readback(rt, 'predictStep output', out.rows * out.cols);
    } catch (e) {
      this.bound.destroy();
      throw e;
    }
  }

  /** Width of one output row. */
  get outputCols(): number {
    return this.bound.output.cols;
  }

  /** Runs one timestep for x (time-major = batch-major for one step, [batch, features]); resolves to [batch, cols]. */
  step(x: Float32Array): Promise<Float32Array> {
    const next = this.queue.then(async () => {
      await this.bound.forward.prepare();
      return this.run(x);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private run(x: Float32Array): Promise<Float32Array> {
    const { bound, rt } = this;
    rt.write(bound.input, x);
    bound.forward.run([this.readback.copyFrom(bound.output.buffer, bound.output.offset)]);
    return this.readback.read();
  }

  destroy(): void {
    this.bound.destroy();
    this.readback.destroy();
  }
}

/**
 * Checks one timestep of model input: the model's sample shape without its time axis, with the batch axis
 * first ([batch, features], or token ids [batch]); a time axis of length 1 is accepted too.
 */
export function stepInput(x: TensorLike, batch: number, sample: number[], ids: { inputDim: number } | null): Float32Array {
  const t: Tensor = toTensor(x, 'x');
  const rest = ids ? [] : sample.slice(1);
  const shapes = [
    [batch, ...rest],
    [batch, 1, ...rest],
  ];
  if (!shapes.some((s) => s.length === t.shape.length && s.every((d, i) => d === t.shape[i]))) {
    throw new ShapeError(
      `predictStep feeds one timestep: x must be ${formatShape(shapes[0]!)} (or ${formatShape(shapes[1]!)}) for this model's fixed batch size ${batch}; got ${formatShape(t.shape)}`,
    );
  }
  if (ids) {
    const bad = t.data.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= ids.inputDim);
    if (bad >= 0) throw new ValueError(`x holds token ids, integers in [0, ${ids.inputDim}); x at flat index ${bad} is ${t.data[bad]}`);
  } else {
    const bad = t.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new ValueError(`x at flat index ${bad} is ${t.data[bad]}; inputs must be finite`);
  }
  return t.data;
}
