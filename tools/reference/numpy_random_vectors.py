"""Known answers for @bloom/core's NumpyRandomState, produced by numpy's own legacy RandomState (MT19937).
Writes packages/core/src/fixtures/numpy-random.json. Run: python3 tools/reference/numpy_random_vectors.py"""
import json
import pathlib

import numpy as np

out = {"numpy": np.__version__, "cases": []}
for seed in (0, 1, 42, 5489, 2**32 - 1):
    case = {"seed": seed}
    rs = np.random.RandomState(seed)
    case["uint32"] = [int(x) for x in rs.randint(0, 2**32, size=8, dtype=np.uint64)]
    rs = np.random.RandomState(seed)
    case["rand"] = [float(x) for x in rs.rand(6)]
    rs = np.random.RandomState(seed)
    case["permutation10"] = [int(x) for x in rs.permutation(10)]
    rs = np.random.RandomState(seed)
    case["permutation1000_head"] = [int(x) for x in rs.permutation(1000)[:20]]
    rs = np.random.RandomState(seed)
    # Spotlight's user split draws its hash seed exactly like this.
    case["randint_uint32_range"] = [int(rs.randint(np.iinfo(np.uint32).min, np.iinfo(np.uint32).max)) for _ in range(3)]
    rs = np.random.RandomState(seed)
    case["randint_0_10"] = [int(x) for x in rs.randint(0, 10, size=10)]
    rs = np.random.RandomState(seed)
    case["randint_0_100_int32"] = [int(x) for x in rs.randint(0, 100, size=10, dtype=np.int32)]
    out["cases"].append(case)

# The C++ standard's check: the 10000th output of MT19937 seeded with 5489.
rs = np.random.RandomState(5489)
out["mt19937_5489_10000th"] = int(rs.randint(0, 2**32, size=10000, dtype=np.uint64)[-1])

path = pathlib.Path(__file__).resolve().parents[2] / "packages/core/src/fixtures/numpy-random.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {path}")
