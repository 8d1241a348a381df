#!/bin/bash
# The benchmark on a GPU machine without a browser (see prepare.sh): unpacks Node and dawn.node, points the
# Vulkan loader at the NVIDIA driver, then runs the kernel profile (every variant, and the variant grid that
# places defaultLstmVariant's rule) and the full side-by-side bench (webrnn, TF.js webgpu and wasm, and
# PyTorch CPU/CUDA where python3 has torch). Output and the results JSON go to $OUT (default ./gpu-out).
#
#   bash bench/gpu-machine/run.sh .device          # from the repository root, as root (unpacks the .debs into /)
#   bash bench/gpu-machine/run.sh .device --cases=large --webrnn-only --kernels=lstm:vec4   # only this bench run
set -u
carry=${1:-.device}
OUT=${OUT:-gpu-out}
mkdir -p "$OUT"
exec > >(tee "$OUT/log.txt") 2>&1
date; nvidia-smi -L; nproc
for f in "$carry"/debs/*.deb; do dpkg -x "$f" /; done
ldconfig
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  [ -f "$icd" ] && export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd && echo "Vulkan driver: $icd" && break
done
unxz_to() { xz -dc "$1" > "$2" 2>/dev/null || python3 -c "import lzma,sys; open(sys.argv[2],'wb').write(lzma.open(sys.argv[1]).read())" "$1" "$2"; }
mkdir -p /tmp/webrnn-node "$carry/webgpu/dist/linux-x64"
unxz_to "$carry/node.xz" /tmp/webrnn-node/node && chmod +x /tmp/webrnn-node/node
export PATH=/tmp/webrnn-node:$PATH
unxz_to "$carry/dawn.node.xz" "$carry/webgpu/dist/linux-x64/dawn.node"
node --version || exit 1
export WEBGPU_MODULE=$carry/webgpu/index.js
if [ $# -gt 1 ]; then
  shift
  node bench/node.mjs --bundle="$carry/suite/suite.mjs" "$@"
  exit
fi
echo "=== profile: every variant"; date
timeout "${PROFILE_S:-200}" node bench/node.mjs --bundle="$carry/suite/suite.mjs" --profile --sections=gemm,tutorial,large,grid,gru > >(tee "$OUT/profile.txt") 2>&1
echo "=== bench"; date
BENCH_PYTHON=python3 timeout "${BENCH_S:-300}" node bench/node.mjs --bundle="$carry/suite/suite.mjs" --budget-ms=5000 --name="gpu-$(date +%F)" --markdown
cp bench/results/gpu-*.json "$OUT/" 2>/dev/null
date
