#!/usr/bin/env bash
# Issue 6's check on the GPU machine (or here, on llvmpipe): the GPU tables against the host tables, then step
# time against N for host tables, GPU tables and stock tfjs-webgpu. Needs .gpu/ from node tools/gpu/pack-webgpu.mjs.
# Writes webgpu-step.{md,json} to $OUT (default .gpu/out).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-.gpu/out}"
mkdir -p "$out"
node_bin="$(mktemp -d)/node"
xz -dc .gpu/node.xz > "$node_bin"
chmod +x "$node_bin"
# Dawn's OpenGL ES backend on the machine's EGL (NVIDIA's there, Mesa's llvmpipe here); glvnd's loader from .gpu.
export EGL_PLATFORM=surfaceless
export LD_LIBRARY_PATH="$PWD/.gpu/egl${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export BLOOM_DATA_DIR="$PWD/.gpu/data"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || true
"$node_bin" .gpu/webgpu-step.mjs --sizes "${SIZES:-1e4,1e5,1e6,4e6}" --steps "${STEPS:-10}" --out "$out"
