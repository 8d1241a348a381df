// metrics.wgsl — per-sample training metrics with Keras semantics. The epoch value of a metric is
// Σ_samples m_r / Σ rows, so this kernel writes m_r per row and losses.wgsl's `accumulate` adds their sum to
// a slot of the accumulator (the same deterministic reduction as the loss).
//
// metric_rows: one invocation per row r of the predictions P[rows, cols] and targets Y:
//
//   0 mse                        m = mean_j (p − y)²
//   1 mae                        m = mean_j |p − y|
//   2 binaryAccuracy             m = mean_j [ (p > threshold ? 1 : 0) = y ]   (threshold 0.5 on probabilities,
//                                0 on logits: σ(x) > 0.5 ⇔ x > 0)
//   3 categoricalAccuracy        m = [ argmax_j y = argmax_j p ]
//   4 sparseCategoricalAccuracy  m = [ y = argmax_j p ], y one class id per row stored as f32
//
// argmax takes the FIRST index of the largest value, as tf.argmax does, so ties are decided the same way
// on the GPU, in the reference and in Keras.
//
// Bindings: 0 params (uniform) · 1 p (read) · 2 y (read) · 3 row_value (write) · 4 row_weight (read; unweighted,
// p is bound there again and never read)

struct MetricParams {
  rows: u32,
  cols: u32,
  p_offset: u32,
  y_offset: u32,
  row_offset: u32,
  threshold: f32,
}

override METRIC: u32 = 0u;

@group(0) @binding(0) var<uniform> params: MetricParams;
@group(0) @binding(1) var<storage, read> p: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> row_value: array<f32>;
@group(0) @binding(4) var<storage, read> row_weight: array<f32>;

// A masked output (WEIGHTED): row_weight is the mask itself, so padded rows add 0 and the host divides the sum by
// the count of real rows (Keras 3's Mean metric with the mask as sample weight).
override WEIGHTED: bool = false;

fn argmax_p(base: u32, cols: u32) -> u32 {
  var best = p[base];
  var arg = 0u;
  for (var j = 1u; j < cols; j++) {
    let v = p[base + j];
    if (v > best) {
      best = v;
      arg = j;
    }
  }
  return arg;
}

fn argmax_y(base: u32, cols: u32) -> u32 {
  var best = y[base];
  var arg = 0u;
  for (var j = 1u; j < cols; j++) {
    let v = y[base + j];
    if (v > best) {
      best = v;
      arg = j;
    }
  }
  return arg;
}

@compute @workgroup_size(WG)
fn metric_rows(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = gid.x + gid.y * groups.x * WG;
  if (r >= params.rows) { return; }
  let cols = params.cols;
  let pb = params.p_offset + r * cols;
  var value = 0.0;
  switch METRIC {
    case 3u: {
      value = select(0.0, 1.0, argmax_p(pb, cols) == argmax_y(params.y_offset + r * cols, cols));
    }
    case 4u: {
      value = select(0.0, 1.0, f32(argmax_p(pb, cols)) == y[params.y_offset + r]);
    }
    default: {
      let yb = params.y_offset + r * cols;
      for (var j = 0u; j < cols; j++) {
        let pv = p[pb + j];
        let yv = y[yb + j];
        if (METRIC == 0u) {
          value += (pv - yv) * (pv - yv);
        } else if (METRIC == 1u) {
          value += abs(pv - yv);
        } else {
          value += select(0.0, 1.0, select(0.0, 1.0, pv > params.threshold) == yv);
        }
      }
      value /= f32(cols);
    }
  }
  row_value[params.row_offset + r] = value * select(1.0, row_weight[r], WEIGHTED);
}
