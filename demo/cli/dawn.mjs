// What a command that trains in Node on Dawn (webrnn/node) needs before it starts: `npm start -- --runtime node`
// (main.mjs) and `npm run study` (study.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/**
 * What Dawn needs from the environment, read when a process starts: the Vulkan loader (libvulkan.so.1) and a
 * driver. A machine with Chromium but without the system's loader (libvulkan1) has Chromium's own in
 * /usr/lib/chromium, found only through LD_LIBRARY_PATH; a machine with no Vulkan driver installed has Chromium's
 * SwiftShader, named by VK_ICD_FILENAMES (webrnn/node would find it too, after Dawn warned that it found no driver).
 * Returns the variables to add, or null when nothing is missing.
 */
export function vulkanEnvironment() {
  if (process.platform !== 'linux' || process.env.WEBRNN_VULKAN_SET) return null;
  const add = {};
  const systemLoader = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1'].some((p) =>
    existsSync(p),
  );
  if (!systemLoader && existsSync('/usr/lib/chromium/libvulkan.so.1')) {
    add.LD_LIBRARY_PATH = ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
  const drivers = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d'].some((d) => existsSync(d) && readdirSync(d).length > 0);
  const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (!drivers && !process.env.VK_ICD_FILENAMES && existsSync(swiftshader)) add.VK_ICD_FILENAMES = swiftshader;
  return Object.keys(add).length > 0 ? add : null;
}

/** Runs this command again with `add` in its environment, and exits as it does. */
export function rerunWith(add) {
  const run = spawnSync(process.execPath, process.argv.slice(1), { stdio: 'inherit', env: { ...process.env, ...add, WEBRNN_VULKAN_SET: '1' } });
  process.exitCode = run.status ?? 1;
}
