/** Harness cases for the Dense and Embedding kernels, forward and backward in one plan each. */
import { Plan } from '../../src/gpu/plan';
import { recordDenseBackward, recordDenseForward, type DenseActivation } from '../../src/kernels/dense';
import { recordEmbeddingBackward, recordEmbeddingForward } from '../../src/kernels/embedding';
import { decode, inScope, type Encoded } from './harnessCore';

export const denseCases = {
  dense(spec: {
    x: Encoded;
    kernel: Encoded;
    bias: Encoded | null;
    dy: Encoded;
    rows: number;
    inputs: number;
    units: number;
    activation: DenseActivation;
    xOffset: number;
  }) {
    return inScope(async (r) => {
      const { rows, inputs, units } = spec;
      const x = r.upload('x', decode(spec.x).data);
      const kernel = r.upload('kernel', decode(spec.kernel).data);
      const bias = spec.bias ? r.upload('bias', decode(spec.bias).data) : null;
      const dy = r.upload('dy', decode(spec.dy).data);
      const y = r.createBuffer('y', rows * units * 4);
      const dz = r.createBuffer('dz', rows * units * 4);
      const dKernel = r.createBuffer('dKernel', inputs * units * 4);
      const dBias = bias ? r.createBuffer('dBias', units * 4) : null;
      const dx = r.createBuffer('dx', rows * inputs * 4);
      const plan = new Plan(r, 'dense test');
      const dims = { rows, inputs, units };
      recordDenseForward(plan, { x, xOffset: spec.xOffset, kernel, bias, y }, dims, spec.activation);
      recordDenseBackward(plan, { x, xOffset: spec.xOffset, kernel, y, dy, dz, dKernel, dBias, dx }, dims, spec.activation);
      plan.run();
      const reads = [
        { ref: y, length: rows * units },
        { ref: dKernel, length: inputs * units },
        { ref: dx, length: rows * inputs },
        ...(dBias ? [{ ref: dBias, length: units }] : []),
      ];
      const [yOut, dKernelOut, dxOut, dBiasOut] = await r.readMany(reads);
      plan.destroy();
      for (const b of [x, kernel, bias, dy, y, dz, dKernel, dBias, dx]) if (b) r.destroyBuffer(b);
      return { y: yOut!, dKernel: dKernelOut!, dX: dxOut!, ...(dBiasOut ? { dBias: dBiasOut } : {}) };
    });
  },

  embedding(spec: { ids: Encoded; table: Encoded; dy: Encoded; inputDim: number; outputDim: number }) {
    return inScope(async (r) => {
      const idsData = decode(spec.ids).data;
      const dims = { rows: idsData.length, inputDim: spec.inputDim, outputDim: spec.outputDim };
      const ids = r.upload('ids', idsData);
      const table = r.upload('table', decode(spec.table).data);
      const dy = r.upload('dy', decode(spec.dy).data);
      const y = r.createBuffer('y', dims.rows * dims.outputDim * 4);
      const dTable = r.createBuffer('dTable', dims.inputDim * dims.outputDim * 4);
      const plan = new Plan(r, 'embedding test');
      recordEmbeddingForward(plan, { ids, table, y }, dims);
      recordEmbeddingBackward(plan, { ids, dy, dTable }, dims);
      plan.run();
      const [yOut, dTableOut] = await r.readMany([
        { ref: y, length: dims.rows * dims.outputDim },
        { ref: dTable, length: dims.inputDim * dims.outputDim },
      ]);
      plan.destroy();
      for (const b of [ids, table, dy, y, dTable]) r.destroyBuffer(b);
      return { y: yOut!, dTable: dTableOut! };
    });
  },
};
