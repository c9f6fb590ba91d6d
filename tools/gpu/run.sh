#!/usr/bin/env bash
# The GPU machine's checks (or here: webgpu on llvmpipe), from .gpu/ packed by node tools/gpu/pack.mjs:
#   webgpu  issue 6: GPU tables against host tables, then step time against N (webgpu-step.{md,json})
#   cuda    issue 7: backend-cuda's test suites with their device parts (cuda-tests.txt), then CUDA tables and the
#           fused trainer on the device against the host emulation and TypeScript, and seconds per epoch against N
#           (cuda-check.{md,json})
#   all     both (default). Results go to $OUT (default .gpu/out).
set -euo pipefail
cd "$(dirname "$0")/../.."
which="${1:-all}"
out="${OUT:-.gpu/out}"
mkdir -p "$out"
node_bin="$(mktemp -d)/node"
xz -dc .gpu/node.xz > "$node_bin"
chmod +x "$node_bin"
# Dawn's OpenGL ES backend on the machine's EGL (NVIDIA's there, Mesa's llvmpipe here); glvnd's loader from .gpu.
export EGL_PLATFORM=surfaceless
export LD_LIBRARY_PATH="$PWD/.gpu/egl${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export BLOOM_DATA_DIR="$PWD/.gpu/data"
export BLOOM_CUDA_ADDON="$PWD/.gpu/bloom_cuda.node"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || true
if [[ "$which" == webgpu || "$which" == all ]]; then
  "$node_bin" .gpu/webgpu-step.mjs --sizes "${SIZES:-1e4,1e5,1e6,4e6}" --steps "${STEPS:-10}" --out "$out"
fi
if [[ "$which" == cuda || "$which" == all ]]; then
  # The timing check runs even when a test failed (its figures help find why), but the run still fails.
  "$node_bin" .gpu/cuda-tests.mjs --out "$out" || { failed=1; echo "cuda-tests: failures (see $out/cuda-tests.txt)" >&2; }
  "$node_bin" .gpu/cuda-check.mjs --sizes "${CUDA_SIZES:-1e4,1e6,5e6}" --epochs "${EPOCHS:-3}" --out "$out"
fi
exit "${failed:-0}"
