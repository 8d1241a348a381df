/**
 * A GPUDevice stand-in for Node tests of what no real adapter here can be made to do on demand: run out of
 * memory. Every command is accepted and does nothing, reads return zeros, and a createBuffer whose label
 * matches `oom` reports an 'out-of-memory' error to the innermost such error scope, as WebGPU does. Pure
 * bookkeeping; the GPU path itself is tested in the browser.
 */

// The WebGPU namespaces the runtime reads exist only in browsers.
const g = globalThis as Record<string, unknown>;
g.GPUBufferUsage ??= {
  MAP_READ: 0x1,
  MAP_WRITE: 0x2,
  COPY_SRC: 0x4,
  COPY_DST: 0x8,
  INDEX: 0x10,
  VERTEX: 0x20,
  UNIFORM: 0x40,
  STORAGE: 0x80,
  INDIRECT: 0x100,
  QUERY_RESOLVE: 0x200,
};
g.GPUMapMode ??= { READ: 0x1, WRITE: 0x2 };
g.GPUShaderStage ??= { VERTEX: 0x1, FRAGMENT: 0x2, COMPUTE: 0x4 };

export interface FakeDevice {
  device: GPUDevice;
  /** Buffers whose label matches fail with out-of-memory; null lets every allocation succeed. */
  oom: RegExp | null;
  /** A createBuffer with mappedAtCreation whose label matches throws RangeError (the host mapping failed). */
  mappingFails: RegExp | null;
}

export function fakeDevice(): FakeDevice {
  const scopes: { filter: GPUErrorFilter; error: GPUError | null }[] = [];
  const state: FakeDevice = { device: null as unknown as GPUDevice, oom: null, mappingFails: null };
  const pass = { setPipeline() {}, setBindGroup() {}, dispatchWorkgroups() {}, end() {} };
  const device = {
    label: 'fake',
    limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30, minUniformBufferOffsetAlignment: 256, minStorageBufferOffsetAlignment: 256 },
    adapterInfo: { vendor: 'fake', architecture: '', device: '', description: 'fake device' },
    lost: new Promise<GPUDeviceLostInfo>(() => {}),
    queue: { writeBuffer() {}, submit() {} },
    pushErrorScope(filter: GPUErrorFilter) {
      scopes.push({ filter, error: null });
    },
    popErrorScope() {
      const scope = scopes.pop();
      return scope ? Promise.resolve(scope.error) : Promise.reject(new Error('popErrorScope: the error scope stack is empty'));
    },
    createBuffer(d: GPUBufferDescriptor) {
      if (d.mappedAtCreation && state.mappingFails?.test(d.label ?? '')) throw new RangeError(`could not allocate a mapping of ${d.size} bytes`);
      if (state.oom?.test(d.label ?? '')) {
        const scope = [...scopes].reverse().find((s) => s.filter === 'out-of-memory');
        if (scope) scope.error ??= { message: `Out of memory allocating ${d.size} bytes` } as GPUError;
      }
      let mapped = false; // as in WebGPU, a buffer still mapped cannot be mapped again
      return {
        label: d.label,
        size: d.size,
        usage: d.usage,
        mapAsync: async () => {
          if (mapped) throw new DOMException('the buffer is already mapped', 'OperationError');
          mapped = true;
        },
        getMappedRange: () => new ArrayBuffer(d.size),
        unmap: () => void (mapped = false),
        destroy() {},
      };
    },
    createCommandEncoder: () => ({ copyBufferToBuffer() {}, clearBuffer() {}, beginComputePass: () => pass, finish: () => ({}) }),
    createBindGroupLayout: () => ({}),
    createPipelineLayout: () => ({}),
    createShaderModule: () => ({}),
    createComputePipeline: () => ({}),
    createComputePipelineAsync: () => Promise.resolve({}),
    createBindGroup: () => ({}),
    destroy() {},
  };
  state.device = device as unknown as GPUDevice;
  return state;
}
