/**
 * Host-side mirror of shaders/direction.wgsl: the order in which a plan records a recurrent layer's steps and
 * where its states live. Per-time buffers are indexed by input time t in both directions; states sit on the
 * T+1 boundaries between inputs, so a goBackwards layer starts at slot T and ends at slot 0.
 */

/** The input time read by processing step s (s = 0 is the first step run). */
export function timeOfStep(s: number, timesteps: number, goBackwards: boolean): number {
  return goBackwards ? timesteps - 1 - s : s;
}

/** Slot of the initial state, and of the final state after every step. */
export function initialSlot(timesteps: number, goBackwards: boolean): number {
  return goBackwards ? timesteps : 0;
}
export function finalSlot(timesteps: number, goBackwards: boolean): number {
  return goBackwards ? 0 : timesteps;
}

/** First slot of H_{t−1} in time order (slots prev_slot(0) .. prev_slot(T−1)), for the recurrent GEMM. */
export function previousStatesSlot(goBackwards: boolean): number {
  return goBackwards ? 1 : 0;
}

/** First slot of the per-time outputs h after x_0 .. x_{T−1} (slots next_slot(0) ..). */
export function outputsSlot(goBackwards: boolean): number {
  return goBackwards ? 0 : 1;
}
