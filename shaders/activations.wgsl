// activations.wgsl — the elementwise activations every recurrent kernel shares.
//
// Prepended to a kernel's own source by its TypeScript wrapper (WGSL has no #include). Ids match
// src/kernels/activations.ts:
//
//   0 tanh          tanh(x)                    written as tanh(clamp(x, ±15)): tanh(15) is 1.0 in f32, and some
//                                              drivers' built-in tanh returns NaN for |x| > 88
//   1 relu          max(x, 0)
//   2 sigmoid       1 / (1 + e^-x)             split at 0 so exp never sees a positive argument (no overflow)
//   3 linear        x
//   4 hardSigmoid   clamp(0.2·x + 0.5, 0, 1)   TF.js and Keras 2's definition
//
// Backward passes need act'(x). Every activation here has a derivative that is a function of its output
// y = act(x), so kernels save outputs and call act_grad_from_output(y):
//   tanh 1 − y²   relu [y > 0]   sigmoid y(1 − y)   linear 1   hardSigmoid 0.2·[0 < y < 1]
//
// Parameter names are `pre` and `post`, never a kernel's binding name: wgsl_reflect (1.6.0) counts a function
// parameter that shares a binding's name as a use of that binding.

fn act(pre: f32, kind: u32) -> f32 {
  switch kind {
    case 0u: { return tanh(clamp(pre, -15.0, 15.0)); }
    case 1u: { return max(pre, 0.0); }
    case 2u: {
      if (pre >= 0.0) { return 1.0 / (1.0 + exp(-pre)); }
      let e = exp(pre);
      return e / (1.0 + e);
    }
    case 4u: { return clamp(0.2 * pre + 0.5, 0.0, 1.0); }
    default: { return pre; }
  }
}

fn act_grad_from_output(post: f32, kind: u32) -> f32 {
  switch kind {
    case 0u: { return 1.0 - post * post; }
    case 1u: { return select(0.0, 1.0, post > 0.0); }
    case 2u: { return post * (1.0 - post); }
    case 4u: { return select(0.0, 0.2, post > 0.0 && post < 1.0); }
    default: { return 1.0; }
  }
}
