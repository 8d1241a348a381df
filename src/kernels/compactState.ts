/**
 * The compact copy of the initial state (shaders/compactState.wgsl) that the register-blocked LSTM and GRU
 * passes start from: recorded once at the start of every forward pass, before the first step.
 */
import compactStateShader from '../../shaders/compactState.wgsl';
import { defineKernel, grid1d, type BufferRef } from '../gpu/kernel';
import type { Plan } from '../gpu/plan';
import type { CellDims } from './cell';
import { initialSlot } from './direction';

export const compactStateKernel = defineKernel(compactStateShader, 'init_state');
const WG = 64;

/**
 * Both compact-h halves in `scratch`, starting at vec4 offset `hc`: the first from the initial state's slot of
 * `h` [T+1, B, u] (slot 0, or T going backwards), the second zeros.
 */
export function recordCompactState(
  plan: Plan,
  h: BufferRef,
  scratch: BufferRef,
  hc: number,
  dims: CellDims,
  goBackwards: boolean,
  /** Where the initial state starts in `h` (default: its slot in the states). */
  hOffset: number = initialSlot(dims.timesteps, goBackwards) * dims.batch * dims.units,
): void {
  const { batch, units } = dims;
  plan.dispatch({
    kernel: compactStateKernel,
    constants: { WG },
    bindings: { h_init: h, compact_h: scratch },
    uniforms: { batch, units, h_offset: hOffset, hc },
    workgroups: grid1d(2 * batch * Math.ceil(units / 4), WG),
  });
}
