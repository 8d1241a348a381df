/** wgsl_reflect's ES module build (its `main` is CommonJS in a "type": "module" package, which Node refuses). */
declare module 'wgsl_reflect/wgsl_reflect.module.js' {
  export * from 'wgsl_reflect';
}
