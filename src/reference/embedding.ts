/** Float64 twin of shaders/embedding.wgsl: row lookup and the scattered table gradient. */
export function embeddingForward(ids: ArrayLike<number>, table: ArrayLike<number>, outputDim: number): Float64Array {
  const y = new Float64Array(ids.length * outputDim);
  for (let r = 0; r < ids.length; r++) {
    for (let d = 0; d < outputDim; d++) y[r * outputDim + d] = table[ids[r]! * outputDim + d]!;
  }
  return y;
}

export function embeddingBackward(ids: ArrayLike<number>, dy: ArrayLike<number>, inputDim: number, outputDim: number): Float64Array {
  const dTable = new Float64Array(inputDim * outputDim);
  for (let r = 0; r < ids.length; r++) {
    for (let d = 0; d < outputDim; d++) dTable[ids[r]! * outputDim + d] += dy[r * outputDim + d]!;
  }
  return dTable;
}
