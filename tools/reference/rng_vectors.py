"""Independent reference for @bloom/core's Rng (xoshiro128** seeded by splitmix32), in Python's
arbitrary-precision integers. Prints the known-answer vectors used in packages/core/src/random.test.ts.
Run: python3 tools/reference/rng_vectors.py"""
import json

M32 = 0xFFFFFFFF

def imul(a, b):
    return (a * b) & M32

def seed_state(seed):
    low = seed & M32
    high = (seed >> 32) & M32 if seed >= 0 else ((seed // 2**32) & M32)
    x = low ^ imul(high, 0x9E3779B1)
    words = []
    for _ in range(4):
        x = (x + 0x9E3779B9) & M32
        z = x
        z = imul(z ^ (z >> 16), 0x85EBCA6B)
        z = imul(z ^ (z >> 13), 0xC2B2AE35)
        words.append((z ^ (z >> 16)) & M32)
    return words

def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32

def next_u32(s):
    result = imul(rotl(imul(s[1], 5), 7), 9)
    t = (s[1] << 9) & M32
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 11)
    return result

def next_int(s, n):
    while True:
        m = next_u32(s) * n
        low = m & M32
        if low >= n or low >= (2**32 - n) % n:
            return m >> 32

out = {}
for seed in [42, 0, 2**40 + 7]:
    s = seed_state(seed)
    out[str(seed)] = {"state": list(s), "u32": [next_u32(s) for _ in range(8)]}
s = seed_state(7)
out["int_seed7"] = {n: [next_int(s, n) for _ in range(6)] for n in [1, 10, 1000003, 2**32 - 5, 2**32]}
print(json.dumps(out))
