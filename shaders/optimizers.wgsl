// optimizers.wgsl — Keras's Adam, SGD and RMSprop over the whole flat parameter arena, one dispatch per update.
//
// The step counter and every hyperparameter live in `state`, a small storage buffer, not in uniforms: the
// host rewrites the learning rate between steps (schedules, callbacks) and the GPU counts the steps, so a
// recorded plan replays unchanged. Each update is two dispatches:
//
//   begin_step   (1 invocation) iterations += 1 (Keras's optimizer.iterations after the step), then
//                step_size = lr·sqrt(1 − β2^t)/(1 − β1^t) with t = iterations when BIAS_CORRECTION (Adam),
//                else step_size = lr
//   <algorithm>  one invocation per arena element i, reading state:
//
//   adam            m += (g − m)(1 − β1);  v += (g² − v)(1 − β2);  w −= step_size·m / (sqrt(v) + ε)
//   sgd             w −= lr·g
//   sgd_momentum    u = momentum·u − lr·g;  w += u,  or with NESTEROV  w += momentum·u − lr·g
//   rmsprop         s = ρ·s + (1 − ρ)·g²;  [centered: a = ρ·a + (1 − ρ)·g,  s − a² in place of s]
//                   inc = lr·g / sqrt(s + ε);  w −= inc,  or with momentum: u = momentum·u + inc;  w −= u
//
// These are Keras 3's update_step formulas term for term (ε outside the square root for Adam, inside for
// RMSprop). Slots are arenas with the params' layout: momentum (Adam m, SGD u, RMSprop u), velocity (Adam v,
// RMSprop s), average_gradient (RMSprop a). The arena's zero gradient padding leaves padded params unchanged.
//
// Bindings: 0 update_params (uniform) · 1 state (read-write) · 2 w (read-write) · 3 g (read) ·
//           4 momentum_slot · 5 velocity_slot · 6 average_slot (read-write; each entry binds only its own)

struct OptimizerState {
  iterations: u32,
  learning_rate: f32,
  beta_1: f32,
  beta_2: f32,
  epsilon: f32,
  momentum: f32,
  rho: f32,
  step_size: f32,
}

struct UpdateParams {
  length: u32,
}

override BIAS_CORRECTION: bool = false;
override NESTEROV: bool = false;

@group(0) @binding(0) var<uniform> update_params: UpdateParams;
@group(0) @binding(1) var<storage, read_write> state: OptimizerState;
@group(0) @binding(2) var<storage, read_write> w: array<f32>;
@group(0) @binding(3) var<storage, read> g: array<f32>;
@group(0) @binding(4) var<storage, read_write> momentum_slot: array<f32>;
@group(0) @binding(5) var<storage, read_write> velocity_slot: array<f32>;
@group(0) @binding(6) var<storage, read_write> average_slot: array<f32>;

// β^t for t ≥ 1; WGSL leaves pow(0, t) undefined (it is exp2(t·log2 0)), and β = 0 is a valid choice.
fn power(base: f32, t: f32) -> f32 {
  return select(pow(base, t), 0.0, base == 0.0);
}

@compute @workgroup_size(1)
fn begin_step() {
  state.iterations += 1u;
  if (BIAS_CORRECTION) {
    let t = f32(state.iterations);
    state.step_size = state.learning_rate * sqrt(1.0 - power(state.beta_2, t)) / (1.0 - power(state.beta_1, t));
  } else {
    state.step_size = state.learning_rate;
  }
}

fn element(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

@compute @workgroup_size(WG)
fn adam(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = element(gid, groups);
  if (i >= update_params.length) { return; }
  let grad = g[i];
  let m = momentum_slot[i] + (grad - momentum_slot[i]) * (1.0 - state.beta_1);
  let v = velocity_slot[i] + (grad * grad - velocity_slot[i]) * (1.0 - state.beta_2);
  momentum_slot[i] = m;
  velocity_slot[i] = v;
  w[i] -= m * state.step_size / (sqrt(v) + state.epsilon);
}

@compute @workgroup_size(WG)
fn sgd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = element(gid, groups);
  if (i >= update_params.length) { return; }
  w[i] -= g[i] * state.step_size;
}

@compute @workgroup_size(WG)
fn sgd_momentum(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = element(gid, groups);
  if (i >= update_params.length) { return; }
  let step = g[i] * state.step_size;
  let u = momentum_slot[i] * state.momentum - step;
  momentum_slot[i] = u;
  if (NESTEROV) {
    w[i] += u * state.momentum - step;
  } else {
    w[i] += u;
  }
}

fn rms_velocity(i: u32, grad: f32) -> f32 {
  let s = state.rho * velocity_slot[i] + (1.0 - state.rho) * (grad * grad);
  velocity_slot[i] = s;
  return s;
}

fn rms_average(i: u32, grad: f32) -> f32 {
  let a = state.rho * average_slot[i] + (1.0 - state.rho) * grad;
  average_slot[i] = a;
  return a;
}

fn rms_momentum(i: u32, increment: f32) -> f32 {
  let u = state.momentum * momentum_slot[i] + increment;
  momentum_slot[i] = u;
  return u;
}

@compute @workgroup_size(WG)
fn rmsprop(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = element(gid, groups);
  if (i >= update_params.length) { return; }
  let grad = g[i];
  let s = rms_velocity(i, grad);
  w[i] -= state.step_size * grad / sqrt(s + state.epsilon);
}

@compute @workgroup_size(WG)
fn rmsprop_momentum(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = element(gid, groups);
  if (i >= update_params.length) { return; }
  let grad = g[i];
  let s = rms_velocity(i, grad);
  w[i] -= rms_momentum(i, state.step_size * grad / sqrt(s + state.epsilon));
}

@compute @workgroup_size(WG)
fn rmsprop_centered(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = element(gid, groups);
  if (i >= update_params.length) { return; }
  let grad = g[i];
  let s = rms_velocity(i, grad);
  let a = rms_average(i, grad);
  w[i] -= state.step_size * grad / sqrt(s - a * a + state.epsilon);
}

@compute @workgroup_size(WG)
fn rmsprop_centered_momentum(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = element(gid, groups);
  if (i >= update_params.length) { return; }
  let grad = g[i];
  let s = rms_velocity(i, grad);
  let a = rms_average(i, grad);
  w[i] -= rms_momentum(i, state.step_size * grad / sqrt(s - a * a + state.epsilon));
}
