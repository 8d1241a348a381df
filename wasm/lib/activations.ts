/**
 * shaders/activations.wgsl's activations on four float32 lanes, for the CPU path's fused cells. exp is a vector
 * polynomial (range reduction to [−ln2/2, ln2/2], degree 6: ~1 ulp): a call to a scalar exp per gate would cost
 * more than the products. Ids as in shaders/activations.wgsl: tanh 0, relu 1, sigmoid 2, linear 3, hardSigmoid 4.
 */

/** shaders/activations.wgsl's act(), four lanes at a time. */
export function activate(x: v128, kind: i32): v128 {
  if (kind == 0) return tanh4(x);
  if (kind == 1) return f32x4.max(x, f32x4.splat(0));
  if (kind == 2) return sigmoid4(x);
  if (kind == 4) return f32x4.min(f32x4.splat(1), f32x4.max(f32x4.splat(0), f32x4.add(f32x4.mul(x, f32x4.splat(0.2)), f32x4.splat(0.5))));
  return x;
}

/** 1 / (1 + e^−x); exp4 clamps, so no lane overflows to NaN. */
function sigmoid4(x: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), exp4(f32x4.neg(x))));
}

/** tanh(x) = sign(x)·(1 − e^−2|x|) / (1 + e^−2|x|): no overflow, the sign restored bit for bit. */
function tanh4(x: v128): v128 {
  const t = exp4(f32x4.mul(f32x4.splat(-2), f32x4.abs(x)));
  const magnitude = f32x4.div(f32x4.sub(f32x4.splat(1), t), f32x4.add(f32x4.splat(1), t));
  return v128.or(magnitude, v128.and(x, i32x4.splat(<i32>0x80000000)));
}

/** e^x for four lanes: x = n·ln2 + r, e^r by its Taylor polynomial to degree 6, 2^n built in the exponent bits. */
function exp4(x: v128): v128 {
  const clamped = f32x4.min(f32x4.max(x, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const n = f32x4.nearest(f32x4.mul(clamped, f32x4.splat(1.44269504)));
  // ln2 in two parts, so n·ln2 is exact enough for r to keep its bits.
  const r = f32x4.sub(f32x4.sub(clamped, f32x4.mul(n, f32x4.splat(0.693145752))), f32x4.mul(n, f32x4.splat(1.42860677e-6)));
  let p = f32x4.splat(1.0 / 720.0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  // n in [−126, 127]: 2^n is (n + 127) << 23 reinterpreted; below −126 the clamp keeps n ≥ −126.
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(f32x4.max(n, f32x4.splat(-126.0))), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/**
 * act′ at the point whose output is y = act(x), from y alone (what the backward pass keeps): tanh 1 − y²,
 * sigmoid y(1 − y), relu 1 where y > 0, hardSigmoid 0.2 strictly inside (0, 1), linear 1. At a kink (relu at 0,
 * hardSigmoid at its ends) the slope is 0, as shaders/activations.wgsl's act_grad takes it.
 */
export function slope(y: v128, kind: i32): v128 {
  const one = f32x4.splat(1);
  if (kind == 0) return f32x4.sub(one, f32x4.mul(y, y));
  if (kind == 1) return v128.and(f32x4.gt(y, f32x4.splat(0)), one);
  if (kind == 2) return f32x4.mul(y, f32x4.sub(one, y));
  if (kind == 4) return v128.and(v128.and(f32x4.gt(y, f32x4.splat(0)), f32x4.lt(y, one)), f32x4.splat(0.2));
  return one;
}
