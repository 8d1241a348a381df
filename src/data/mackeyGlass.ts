/**
 * The Mackey–Glass series, the standard benchmark of echo-state networks (Jaeger & Haas 2004), from its delay
 * differential equation
 *
 *   dx/dt = β · x(t − τ) / (1 + x(t − τ)ⁿ) − γ · x(t),   β = 0.2, γ = 0.1, n = 10; chaotic for τ = 17
 *
 * integrated with fourth-order Runge–Kutta at step `dt` (the delayed value x(t − τ) between grid points is the
 * average of its neighbours, at t − τ + dt/2), from x = x0 on [−τ, 0], and sampled every `sampleEvery` time units
 * after `discard` time units of transient.
 */
import { ValueError } from '../errors';

export interface MackeyGlassOptions {
  /** Samples returned. */
  length: number;
  /** The delay τ; 17 by default (mildly chaotic; 30 is more so). */
  tau?: number;
  beta?: number;
  gamma?: number;
  n?: number;
  /** Integration step; τ / dt must be a whole number. Default 0.1. */
  dt?: number;
  /** Time units between samples; default 1. */
  sampleEvery?: number;
  /** Time units integrated and thrown away first, so the series starts on the attractor; default 1000. */
  discard?: number;
  /** The constant history on [−τ, 0]; default 1.2. */
  x0?: number;
}

export function mackeyGlass(options: MackeyGlassOptions): Float64Array {
  const { length, tau = 17, beta = 0.2, gamma = 0.1, n = 10, dt = 0.1, sampleEvery = 1, discard = 1000, x0 = 1.2 } = options;
  const positive = { tau, dt, sampleEvery, beta, gamma, n };
  for (const [name, v] of Object.entries(positive)) {
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new ValueError(`mackeyGlass: ${name} must be a number > 0; got ${JSON.stringify(v)}`);
  }
  if (!Number.isInteger(length) || length < 1) throw new ValueError(`mackeyGlass: length must be a positive integer; got ${JSON.stringify(length)}`);
  const lag = Math.round(tau / dt);
  const every = Math.round(sampleEvery / dt);
  if (Math.abs(lag * dt - tau) > 1e-9 || Math.abs(every * dt - sampleEvery) > 1e-9) {
    throw new ValueError(`mackeyGlass: tau (${tau}) and sampleEvery (${sampleEvery}) must be whole multiples of dt (${dt})`);
  }
  if (!(discard >= 0)) throw new ValueError(`mackeyGlass: discard must be ≥ 0; got ${JSON.stringify(discard)}`);
  const skip = Math.round(discard / dt);
  const steps = skip + (length - 1) * every;
  // x on the grid, with `lag` history points before t = 0.
  const x = new Float64Array(lag + steps + 1).fill(x0);
  const f = (now: number, delayed: number) => (beta * delayed) / (1 + delayed ** n) - gamma * now;
  for (let i = lag; i < lag + steps; i++) {
    const [d0, d1] = [x[i - lag]!, x[i - lag + 1]!];
    const dMid = (d0 + d1) / 2;
    const k1 = f(x[i]!, d0);
    const k2 = f(x[i]! + (dt / 2) * k1, dMid);
    const k3 = f(x[i]! + (dt / 2) * k2, dMid);
    const k4 = f(x[i]! + dt * k3, d1);
    x[i + 1] = x[i]! + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return Float64Array.from({ length }, (_, k) => x[lag + skip + k * every]!);
}
