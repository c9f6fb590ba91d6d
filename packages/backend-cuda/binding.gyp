{
  "variables": {
    "cuda_home%": "<!(node -p \"process.env.CUDA_HOME || '/usr/local/cuda'\")"
  },
  "targets": [
    {
      "target_name": "bloom_cuda",
      "sources": ["native/addon.cc", "native/trainer_addon.cc", "native/device.cu", "native/table.cu", "native/table_matmul.cu", "native/factorization.cu"],
      "include_dirs": ["native", "<(cuda_home)/include"],
      "cflags_cc": ["-std=c++17", "-O2"],
      "libraries": ["-L<(cuda_home)/lib64", "-lcudart_static", "-ldl", "-lrt", "-lpthread"],
      "rules": [
        {
          "rule_name": "nvcc",
          "extension": "cu",
          "inputs": ["<(RULE_INPUT_PATH)"],
          "outputs": ["<(INTERMEDIATE_DIR)/<(RULE_INPUT_ROOT).o"],
          "action": [
            "<(cuda_home)/bin/nvcc", "-c", "<@(_inputs)", "-o", "<@(_outputs)",
            "-std=c++17", "-O2", "-Xcompiler", "-fPIC", "-Inative",
            "-gencode", "arch=compute_80,code=sm_80",
            "-gencode", "arch=compute_90,code=[sm_90,compute_90]"
          ],
          "message": "nvcc <(RULE_INPUT_PATH)",
          "process_outputs_as_sources": 1
        }
      ]
    }
  ]
}
