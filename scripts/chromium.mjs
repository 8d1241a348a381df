// The headless Chromium every part of the project drives (npm start, npm test, npm run bench), through
// puppeteer-core on the system browser: where it is, and the flags it starts with. WebGPU needs
// --enable-unsafe-webgpu headless on Linux; without a GPU it runs on SwiftShader, and WebGL there (TF.js's webgl
// peer in the bench) needs --enable-unsafe-swiftshader in current Chromium. `gpu`: the real GPU instead.

/** CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
export function chromiumPath() {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export function chromiumArgs({ gpu = false } = {}) {
  return [
    '--enable-unsafe-webgpu',
    ...(gpu ? ['--enable-gpu', '--ignore-gpu-blocklist'] : ['--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader']),
    '--enable-features=Vulkan',
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
  ];
}
