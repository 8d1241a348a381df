// sparseColumns.wgsl — a square matrix's non-zeros, column by column: what shaders/simpleRnnSeq.wgsl's SPARSE
// variant reads instead of the dense recurrent kernel.
//
// An echo-state reservoir keeps a fraction `connectivity` of its weights (often 1–10 %); a dense product over it
// spends most of every step multiplying zeros. For W [n, n] (row k, column j) this writes, into one f32 buffer:
//   packed[j]                          = how many non-zeros column j has (c_j, as a float)
//   packed[n + e·2n + j]               = the row k of column j's e-th non-zero (as a float: exact below 2^24)
//   packed[n + e·2n + n + j]           = its value W[k, j]
// Entry e of neighbouring columns sits side by side, so the invocations that own them read one run of memory.
// Indices are stored as float values, not bit patterns, which a flush of denormals would zero. The layer runs
// this before every forward pass, so a reservoir changed by setWeights is packed again (n² reads: nothing next to
// a sequence). CPU twin: src/reference/sparseColumns.ts. One invocation per column.
//
// Bindings: 0 params · 1 w [n, n] (read) · 2 packed [n + 2n²] (write)

struct SparseParams {
  n: u32,
}

@group(0) @binding(0) var<uniform> params: SparseParams;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> packed: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let j = flat_index(gid, groups);
  let n = params.n;
  if (j >= n) { return; }
  var c = 0u;
  for (var k = 0u; k < n; k++) {
    let v = w[k * n + j];
    if (v != 0.0) {
      let at = n + c * 2u * n + j;
      packed[at] = f32(k);
      packed[at + n] = v;
      c++;
    }
  }
  packed[j] = f32(c);
}
