/**
 * The LSTM forward pass in WebAssembly SIMD (f32x4): the CPU path's twin of shaders/lstmStep.wgsl, checked
 * against the same float64 reference (src/reference/lstmStep.ts) by test/lstmStep.wasm.test.ts.
 *
 *     XW = X·W + b                       gemm()      every timestep's input projection at once
 *     z_t = XW_t + h_{t−1}·U             lstmStep()  one call per timestep:
 *     i = σ(z_i)  f = σ(z_f)  g = act(z_g)  o = σ(z_o)
 *     c_t = f ⊙ c_{t−1} + i ⊙ g           the gates and the cell update fused, four units at a time
 *     h_t = o ⊙ act(c_t)
 *
 * Layouts (float32, row-major). Units are padded by the caller to `units`, a multiple of 4; the gate blocks keep
 * Keras's order i, f, g, o, each `units` wide, so a row of U or XW is 4·units. A padded unit has zero weights in
 * and out: it never reaches a real one. Activation ids are shaders/activations.wgsl's: tanh 0, relu 1, sigmoid 2,
 * linear 3, hardSigmoid 4.
 *
 * Why these tiles: V8 gives SIMD code 16 vector registers on x64. gemm's 4×8 tile keeps 8 accumulators, 2 loaded
 * vectors of B and one broadcast of A; lstmStep's 2 rows × 4 gates keep 8 accumulators, 4 vectors of U, 2
 * broadcasts of h. exp is a polynomial on vectors (range reduction to [−ln2/2, ln2/2], degree 6: ~1 ulp), since a
 * call to a scalar exp per gate would cost more than the products.
 */

/** C [m, n] = A [m, k] · B [k, n] (+ bias [n] unless bias is 0). n is a multiple of 4. */
export function gemm(a: usize, b: usize, bias: usize, c: usize, m: i32, k: i32, n: i32): void {
  const aRow = (<usize>k) << 2;
  const bRow = (<usize>n) << 2;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>i * aRow;
    const c0 = c + <usize>i * bRow;
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      const col = (<usize>j) << 2;
      let s00 = startAt(bias, col);
      let s01 = startAt(bias, col + 16);
      let s10 = s00;
      let s11 = s01;
      let s20 = s00;
      let s21 = s01;
      let s30 = s00;
      let s31 = s01;
      let bk = b + col;
      for (let p: usize = 0; p < aRow; p += 4) {
        const y0 = v128.load(bk);
        const y1 = v128.load(bk, 16);
        bk += bRow;
        let x = v128.load32_splat(a0 + p);
        s00 = f32x4.add(s00, f32x4.mul(x, y0));
        s01 = f32x4.add(s01, f32x4.mul(x, y1));
        x = v128.load32_splat(a0 + aRow + p);
        s10 = f32x4.add(s10, f32x4.mul(x, y0));
        s11 = f32x4.add(s11, f32x4.mul(x, y1));
        x = v128.load32_splat(a0 + 2 * aRow + p);
        s20 = f32x4.add(s20, f32x4.mul(x, y0));
        s21 = f32x4.add(s21, f32x4.mul(x, y1));
        x = v128.load32_splat(a0 + 3 * aRow + p);
        s30 = f32x4.add(s30, f32x4.mul(x, y0));
        s31 = f32x4.add(s31, f32x4.mul(x, y1));
      }
      v128.store(c0 + col, s00);
      v128.store(c0 + col, s01, 16);
      v128.store(c0 + bRow + col, s10);
      v128.store(c0 + bRow + col, s11, 16);
      v128.store(c0 + 2 * bRow + col, s20);
      v128.store(c0 + 2 * bRow + col, s21, 16);
      v128.store(c0 + 3 * bRow + col, s30);
      v128.store(c0 + 3 * bRow + col, s31, 16);
    }
    for (; j < n; j += 4) for (let r = 0; r < 4; r++) gemmVector(a0 + <usize>r * aRow, b, bias, c0 + <usize>r * bRow, k, n, j);
  }
  for (; i < m; i++) for (let j = 0; j < n; j += 4) gemmVector(a + <usize>i * aRow, b, bias, c + <usize>i * bRow, k, n, j);
}

/** One row's four outputs from column j: the tails gemm's tiles leave. */
function gemmVector(aRow: usize, b: usize, bias: usize, cRow: usize, k: i32, n: i32, j: i32): void {
  const col = (<usize>j) << 2;
  const bRow = (<usize>n) << 2;
  let s = startAt(bias, col);
  for (let p = 0; p < k; p++) s = f32x4.add(s, f32x4.mul(v128.load32_splat(aRow + ((<usize>p) << 2)), v128.load(b + <usize>p * bRow + col)));
  v128.store(cRow + col, s);
}

/** The bias's four values at byte offset `col`, or zeros without a bias. */
function startAt(bias: usize, col: usize): v128 {
  return bias ? v128.load(bias + col) : f32x4.splat(0);
}

/**
 * One timestep for `rows` batch rows: from XW_t [rows, 4·units], h_{t−1} [rows, units] and c [rows, units]
 * (updated in place) to h_t [rows, units]. h_t must not overlap h_{t−1}.
 */
export function lstmStep(xw: usize, u: usize, hPrev: usize, c: usize, h: usize, rows: i32, units: i32, act: i32, gateAct: i32): void {
  const unitBytes = (<usize>units) << 2;
  const gateRow = unitBytes << 2;
  let b = 0;
  for (; b + 2 <= rows; b += 2) {
    const h0 = hPrev + <usize>b * unitBytes;
    const h1 = h0 + unitBytes;
    const x0 = xw + <usize>b * gateRow;
    const x1 = x0 + gateRow;
    for (let j: usize = 0; j < unitBytes; j += 16) {
      let i0 = v128.load(x0 + j);
      let f0 = v128.load(x0 + unitBytes + j);
      let g0 = v128.load(x0 + 2 * unitBytes + j);
      let o0 = v128.load(x0 + 3 * unitBytes + j);
      let i1 = v128.load(x1 + j);
      let f1 = v128.load(x1 + unitBytes + j);
      let g1 = v128.load(x1 + 2 * unitBytes + j);
      let o1 = v128.load(x1 + 3 * unitBytes + j);
      let uk = u + j;
      for (let p: usize = 0; p < unitBytes; p += 4) {
        const ui = v128.load(uk);
        const uf = v128.load(uk + unitBytes);
        const ug = v128.load(uk + 2 * unitBytes);
        const uo = v128.load(uk + 3 * unitBytes);
        uk += gateRow;
        let hk = v128.load32_splat(h0 + p);
        i0 = f32x4.add(i0, f32x4.mul(hk, ui));
        f0 = f32x4.add(f0, f32x4.mul(hk, uf));
        g0 = f32x4.add(g0, f32x4.mul(hk, ug));
        o0 = f32x4.add(o0, f32x4.mul(hk, uo));
        hk = v128.load32_splat(h1 + p);
        i1 = f32x4.add(i1, f32x4.mul(hk, ui));
        f1 = f32x4.add(f1, f32x4.mul(hk, uf));
        g1 = f32x4.add(g1, f32x4.mul(hk, ug));
        o1 = f32x4.add(o1, f32x4.mul(hk, uo));
      }
      const at = <usize>b * unitBytes + j;
      update(i0, f0, g0, o0, c + at, h + at, act, gateAct);
      update(i1, f1, g1, o1, c + at + unitBytes, h + at + unitBytes, act, gateAct);
    }
  }
  if (b < rows) {
    const h0 = hPrev + <usize>b * unitBytes;
    const x0 = xw + <usize>b * gateRow;
    for (let j: usize = 0; j < unitBytes; j += 16) {
      let i0 = v128.load(x0 + j);
      let f0 = v128.load(x0 + unitBytes + j);
      let g0 = v128.load(x0 + 2 * unitBytes + j);
      let o0 = v128.load(x0 + 3 * unitBytes + j);
      let uk = u + j;
      for (let p: usize = 0; p < unitBytes; p += 4) {
        const hk = v128.load32_splat(h0 + p);
        i0 = f32x4.add(i0, f32x4.mul(hk, v128.load(uk)));
        f0 = f32x4.add(f0, f32x4.mul(hk, v128.load(uk + unitBytes)));
        g0 = f32x4.add(g0, f32x4.mul(hk, v128.load(uk + 2 * unitBytes)));
        o0 = f32x4.add(o0, f32x4.mul(hk, v128.load(uk + 3 * unitBytes)));
        uk += gateRow;
      }
      const at = <usize>b * unitBytes + j;
      update(i0, f0, g0, o0, c + at, h + at, act, gateAct);
    }
  }
}

/** The cell update of four units from their gate pre-activations: c in place, h written. */
function update(zi: v128, zf: v128, zg: v128, zo: v128, c: usize, h: usize, act: i32, gateAct: i32): void {
  const ct = f32x4.add(f32x4.mul(activate(zf, gateAct), v128.load(c)), f32x4.mul(activate(zi, gateAct), activate(zg, act)));
  v128.store(c, ct);
  v128.store(h, f32x4.mul(activate(zo, gateAct), activate(ct, act)));
}

/** shaders/activations.wgsl's act(), four lanes at a time. */
function activate(x: v128, kind: i32): v128 {
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
