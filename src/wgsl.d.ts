/** Shader files import as data (scripts/wgsl/plugin.ts): expanded WGSL, included helpers, reflected entry points. */
declare module '*.wgsl' {
  const module: import('./gpu/kernel').ShaderModuleData;
  export default module;
}
