#!/bin/bash
# Packs what bench/gpu-machine/run.sh needs on a borrowed GPU machine that has a GPU driver but no Node, no
# browser and no package registry: Node itself, dawn.node (the `webgpu` package, Dawn on Vulkan), the benchmark
# suite built for Node with TF.js inside (bench/node.mjs --build-only), and Debian's Vulkan loader and GL
# dispatch libraries (the NVIDIA Vulkan driver is libGLX_nvidia, which needs libglvnd). x86-64 only.
#
#   bash bench/gpu-machine/prepare.sh .device      # ≈ 35 MB; keep the folder out of git (.git/info/exclude)
set -euo pipefail
out=${1:-.device}
mkdir -p "$out/webgpu" "$out/debs"
# dawn.node and TF.js's backends are the benchmark's own packages (bench/package.json), not the quick start's.
[ -f bench/node_modules/webgpu/package.json ] || npm run bench:install
xz -T0 -6 -c "$(command -v node)" > "$out/node.xz"
cp bench/node_modules/webgpu/index.js bench/node_modules/webgpu/package.json "$out/webgpu/"
xz -T0 -6 -c bench/node_modules/webgpu/dist/linux-x64/dawn.node > "$out/dawn.node.xz"
node bench/node.mjs --build-only="$out/suite"
lists=$(mktemp -d)
mkdir -p "$lists/partial"
apt=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
apt-get "${apt[@]}" update > /dev/null
(cd "$out/debs" && apt-get "${apt[@]}" download libvulkan1 libglvnd0 libegl1 libgl1 libglx0 libopengl0 libgles2)
du -sh "$out"
