// prelude.wgsl — what every kernel shares, put before each one (then come the files a kernel includes, then its
// own code) by src/gpu/kernel.ts at run time and by scripts/wgsl/expand.ts when reflecting.
//
// WG is the workgroup size of every one-dimensional kernel; the host sets it per dispatch as an override.
// Grids of more than 65 535 workgroups are split over x and y (grid1d in src/gpu/kernel.ts); flat_index
// rebuilds the invocation's index from that split, and every kernel skips indices past its end.

override WG: u32 = 64;

fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}
