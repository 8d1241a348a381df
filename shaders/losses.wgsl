// losses.wgsl — the training losses with Keras semantics, and the deterministic sum behind every epoch mean.
//
// loss_rows: one invocation per row r of the predictions P[rows, cols] (row-major; a sequence output is
// [T·B, cols]). It writes dP = ∂L/∂P of the BATCH-MEAN loss L = (1/rows) Σ_r ℓ_r and the per-sample loss ℓ_r
// into row_loss[r]; `accumulate` then adds Σ_r ℓ_r to the accumulator. Per sample, as Keras reduces:
//
//   0 mse                    ℓ = mean_j (p − y)²                        ∂ℓ/∂p = 2(p − y)/cols
//   1 mae                    ℓ = mean_j |p − y|                         ∂ℓ/∂p = sign(p − y)/cols (0 at p = y)
//   2 huber (δ = delta)      ℓ = mean_j ½e² if |e| ≤ δ, else δ|e| − ½δ²  ∂ℓ/∂p = e or δ·sign(e), over cols
//   3 binaryCrossentropy     probabilities: c = clip(p, ε, 1−ε), ℓ = mean_j −(y log c + (1−y) log(1−c));
//                            the clip passes no gradient outside [ε, 1−ε] (tf.clip_by_value)
//                            FROM_LOGITS: ℓ = mean_j max(x, 0) − x·y + log(1 + e^−|x|), ∂ = (σ(x) − y)/cols
//   4 categoricalCrossentropy probabilities: q = p / Σp, c = clip(q, ε, 1−ε), ℓ = −Σ_j y_j log c_j
//                            FROM_LOGITS: ℓ = Σ_j y_j (lse(x) − x_j), ∂ℓ/∂x_k = softmax_k·Σy − y_k
//   5 sparseCategorical...   y is one class id k per row (stored as f32). Probabilities, as Keras: c =
//                            clip(p, ε, 1−ε), ℓ = log Σ_j c_j − log c_k (softmax of log c); FROM_LOGITS:
//                            ℓ = lse(x) − x_k. A class id that is not an integer in [0, cols) gives NaN
//                            loss and NaN gradients for its row, never a silent wrong number.
//
// ε = 1e-7 (Keras backend.epsilon()), and 1 − ε is rounded to f32 as TensorFlow does. Softmax goes through
// log-sum-exp with the row maximum subtracted, and log(1 + e^−|x|) never sees a positive exponent.
//
// accumulate: one workgroup adds scale·Σ values[0..count) into accum[slot] (and count into accum[count_slot]
// when add_count = 1). Each of 64 invocations sums a fixed stride of the values in order, then a tree of
// fixed shape combines them: the same inputs give the same bits every run (WGSL has no float atomics, and an
// order that depended on scheduling would make losses differ between runs).
//
// Bindings, loss_rows:  0 params (uniform) · 1 p (read) · 2 y (read) · 3 dp (write) · 4 row_loss (write)
//                       7 row_weight (read; unweighted, p is bound there again and never read)
// Bindings, accumulate: 0 acc_params (uniform) · 5 values (read) · 6 accum (read-write)
// p and y must be other buffers than dp and row_loss (WebGPU forbids read and write views of one buffer).

struct LossParams {
  rows: u32,
  cols: u32,
  p_offset: u32,
  y_offset: u32,
  d_offset: u32,
  row_offset: u32,
  delta: f32,
}

struct AccumulateParams {
  count: u32,
  values_offset: u32,
  slot: u32,
  count_slot: u32,
  add_count: u32,
  scale: f32,
}

override LOSS: u32 = 0u;
override FROM_LOGITS: bool = false;
override WEIGHTED: bool = false;

const EPSILON: f32 = 1e-7;
const ONE_MINUS_EPSILON: f32 = 1.0 - EPSILON;
const ACC_WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read> p: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> dp: array<f32>;
@group(0) @binding(4) var<storage, read_write> row_loss: array<f32>;
@group(0) @binding(7) var<storage, read> row_weight: array<f32>;

@group(0) @binding(0) var<uniform> acc_params: AccumulateParams;
@group(0) @binding(5) var<storage, read> values: array<f32>;
@group(0) @binding(6) var<storage, read_write> accum: array<f32>;

var<workgroup> partial: array<f32, ACC_WG>;

// A quiet NaN. Made from a `var` so it is a runtime value: WGSL rejects NaN from a constant expression.
fn nan() -> f32 {
  var bits = 0x7fc00000u;
  return bitcast<f32>(bits);
}

fn clip_prob(x: f32) -> f32 {
  return clamp(x, EPSILON, ONE_MINUS_EPSILON);
}

// tf.clip_by_value's gradient: 1 inside [lo, hi] (bounds included), 0 outside.
fn clip_mask(x: f32) -> f32 {
  return select(0.0, 1.0, x >= EPSILON && x <= ONE_MINUS_EPSILON);
}

fn stable_sigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}

// Per element of the elementwise losses (0–3): x = (ℓ_j, ∂ℓ_j/∂p) before the mean over cols.
fn elementwise(pv: f32, yv: f32) -> vec2<f32> {
  let e = pv - yv;
  switch LOSS {
    case 0u: { return vec2<f32>(e * e, 2.0 * e); }
    case 1u: { return vec2<f32>(abs(e), sign(e)); }
    case 2u: {
      let d = params.delta;
      if (abs(e) <= d) { return vec2<f32>(0.5 * e * e, e); }
      return vec2<f32>(d * abs(e) - 0.5 * d * d, d * sign(e));
    }
    default: {
      if (FROM_LOGITS) {
        return vec2<f32>(max(pv, 0.0) - pv * yv + log(1.0 + exp(-abs(pv))), stable_sigmoid(pv) - yv);
      }
      let c = clip_prob(pv);
      let l = -(yv * log(c) + (1.0 - yv) * log(1.0 - c));
      return vec2<f32>(l, clip_mask(pv) * (-yv / c + (1.0 - yv) / (1.0 - c)));
    }
  }
}

fn row_max(base: u32, cols: u32) -> f32 {
  var m = p[base];
  for (var j = 1u; j < cols; j++) { m = max(m, p[base + j]); }
  return m;
}

// Categorical crossentropy of one row; writes dp (already scaled by 1/rows) and returns ℓ.
fn categorical(pb: u32, yb: u32, db: u32, cols: u32, scale: f32) -> f32 {
  if (FROM_LOGITS) {
    let m = row_max(pb, cols);
    var s = 0.0;
    var ysum = 0.0;
    for (var j = 0u; j < cols; j++) {
      s += exp(p[pb + j] - m);
      ysum += y[yb + j];
    }
    let lse = m + log(s);
    var loss = 0.0;
    for (var j = 0u; j < cols; j++) {
      let yv = y[yb + j];
      loss += yv * (lse - p[pb + j]);
      dp[db + j] = (exp(p[pb + j] - m) / s * ysum - yv) * scale;
    }
    return loss;
  }
  // q = p / Σp, then clip: ∂ℓ/∂p_k = (g_k − Σ_j g_j q_j) / Σp with g_j = −y_j·mask_j / c_j.
  var s = 0.0;
  for (var j = 0u; j < cols; j++) { s += p[pb + j]; }
  var loss = 0.0;
  var dot = 0.0;
  for (var j = 0u; j < cols; j++) {
    let q = p[pb + j] / s;
    let c = clip_prob(q);
    let yv = y[yb + j];
    loss -= yv * log(c);
    dot += -yv * clip_mask(q) / c * q;
  }
  for (var j = 0u; j < cols; j++) {
    let q = p[pb + j] / s;
    let g = -y[yb + j] * clip_mask(q) / clip_prob(q);
    dp[db + j] = (g - dot) / s * scale;
  }
  return loss;
}

// Sparse categorical crossentropy of one row with class id y[yb].
fn sparse_categorical(pb: u32, yb: u32, db: u32, cols: u32, scale: f32) -> f32 {
  let label = y[yb];
  if (!(label >= 0.0 && label < f32(cols) && floor(label) == label)) {
    for (var j = 0u; j < cols; j++) { dp[db + j] = nan(); }
    return nan();
  }
  let k = u32(label);
  if (FROM_LOGITS) {
    let m = row_max(pb, cols);
    var s = 0.0;
    for (var j = 0u; j < cols; j++) { s += exp(p[pb + j] - m); }
    for (var j = 0u; j < cols; j++) {
      dp[db + j] = (exp(p[pb + j] - m) / s - select(0.0, 1.0, j == k)) * scale;
    }
    return m + log(s) - p[pb + k];
  }
  // ℓ = log S − log c_k with S = Σ c_j: ∂ℓ/∂p_j = mask_j·(1/S − [j = k]/c_j).
  var s = 0.0;
  for (var j = 0u; j < cols; j++) { s += clip_prob(p[pb + j]); }
  for (var j = 0u; j < cols; j++) {
    let pv = p[pb + j];
    dp[db + j] = clip_mask(pv) * (1.0 / s - select(0.0, 1.0 / clip_prob(pv), j == k)) * scale;
  }
  return log(s) - log(clip_prob(p[pb + k]));
}

@compute @workgroup_size(WG)
fn loss_rows(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = gid.x + gid.y * groups.x * WG;
  if (r >= params.rows) { return; }
  let cols = params.cols;
  let pb = params.p_offset + r * cols;
  let db = params.d_offset + r * cols;
  // A masked output (WEIGHTED): row r weighs row_weight[r] = m[r]·rows/valid (sequenceMask.wgsl loss_weights),
  // Keras's apply_mask, in its loss and its gradient alike.
  let weight = select(1.0, row_weight[r], WEIGHTED);
  let scale = weight / f32(params.rows);
  var loss = 0.0;
  if (LOSS == 4u) {
    loss = categorical(pb, params.y_offset + r * cols, db, cols, scale);
  } else if (LOSS == 5u) {
    loss = sparse_categorical(pb, params.y_offset + r, db, cols, scale);
  } else {
    let yb = params.y_offset + r * cols;
    let inv_cols = 1.0 / f32(cols);
    for (var j = 0u; j < cols; j++) {
      let v = elementwise(p[pb + j], y[yb + j]);
      loss += v.x;
      dp[db + j] = v.y * inv_cols * scale;
    }
    loss *= inv_cols;
  }
  row_loss[params.row_offset + r] = loss * weight;
}

@compute @workgroup_size(ACC_WG)
fn accumulate(@builtin(local_invocation_index) lid: u32) {
  var sum = 0.0;
  for (var i = lid; i < acc_params.count; i += ACC_WG) {
    sum += values[acc_params.values_offset + i];
  }
  partial[lid] = sum;
  workgroupBarrier();
  for (var stride = ACC_WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) { partial[lid] += partial[lid + stride]; }
    workgroupBarrier();
  }
  if (lid == 0u) {
    accum[acc_params.slot] += acc_params.scale * partial[0];
    if (acc_params.add_count == 1u) { accum[acc_params.count_slot] += f32(acc_params.count); }
  }
}
