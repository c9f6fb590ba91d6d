"""Independent reference for @bloom/data's Spotlight parity: the random split, the user-based split and
to_sequence, computed with numpy the way Spotlight (v0.1.6) computes them (numpy RandomState shuffle,
randint + unsigned MurmurHash3, lexsort + backwards windows). MurmurHash3 is written out here because
scikit-learn is not installed; it is checked against the shared scikit-learn vectors first.
Writes packages/data/src/fixtures/spotlight-data.json. Run: python3 tools/reference/spotlight_data_vectors.py"""
import hashlib
import json
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"


def murmur3_int32(key, seed):
    m = 0xFFFFFFFF
    k = key & m
    k = (k * 0xCC9E2D51) & m
    k = ((k << 15) | (k >> 17)) & m
    k = (k * 0x1B873593) & m
    h = (seed & m) ^ k
    h = ((h << 13) | (h >> 19)) & m
    h = (h * 5 + 0xE6546B64) & m
    h ^= 4
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & m
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & m
    h ^= h >> 16
    return h


vectors = json.loads((SHARED / "reference/hash-vectors.json").read_text())


def signed(h):
    return h - 2**32 if h >= 2**31 else h


def digest(*arrays):
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def random_split(users, items, p, seed):
    rs = np.random.RandomState(seed)
    order = np.arange(len(users))
    rs.shuffle(order)
    cutoff = int((1.0 - p) * len(users))
    return order[:cutoff], order[cutoff:]


def user_split(users, p, seed):
    rs = np.random.RandomState(seed)
    hash_seed = rs.randint(np.iinfo(np.uint32).min, np.iinfo(np.uint32).max)
    in_test = np.array([(murmur3_int32(int(u), int(hash_seed)) % 100 / 100.0) < p for u in users])
    return np.flatnonzero(~in_test), np.flatnonzero(in_test), int(hash_seed)


def to_sequence(users, items, timestamps, max_len, min_len, step):
    order = np.lexsort((timestamps, users))
    u, it = users[order], items[order]
    uniq, starts, counts = np.unique(u, return_index=True, return_counts=True)
    rows, owners = [], []
    for user, start, count in zip(uniq, starts, counts):
        history = it[start:start + count]
        for end in range(count, 0, -step):
            window = history[max(end - max_len, 0):end]
            row = np.zeros(max_len, dtype=np.int32)
            row[max_len - len(window):] = window
            rows.append(row)
            owners.append(user)
    seqs = np.array(rows, dtype=np.int32).reshape(-1, max_len)
    owners = np.array(owners, dtype=np.int32)
    if min_len is not None:
        keep = seqs[:, -min_len] != 0
        seqs, owners = seqs[keep], owners[keep]
    return seqs, owners


def main():
    # The shared vectors' "seed0" column is hash function 0, whose seed is SPOTLIGHT_SEEDS[0].
    seed0 = vectors["spotlight_seeds"][0]
    for key, want in zip(vectors["ids"], vectors["signed_hash_seed0"]):
        assert signed(murmur3_int32(key, seed0)) == want, (key, want)
    data = np.loadtxt(SHARED / "data/ml-100k/u.data", dtype=np.int64)
    users = data[:, 0].astype(np.int32)
    items = data[:, 1].astype(np.int32)
    ts = data[:, 3].astype(np.int64)
    out = {"numpy": np.__version__, "ml100k": {}}

    train, test = random_split(users, items, 0.2, 42)
    out["ml100k"]["random_split_seed42"] = {
        "train": len(train), "test": len(test),
        "test_head": [[int(users[i]), int(items[i])] for i in test[:10]],
        "test_digest": digest(users[test], items[test]),
        "train_digest": digest(users[train], items[train]),
    }
    train, test, hash_seed = user_split(users, 0.2, 42)
    out["ml100k"]["user_split_seed42"] = {
        "hash_seed": hash_seed, "train": len(train), "test": len(test),
        "test_users": sorted({int(u) for u in users[test]}),
        "test_digest": digest(users[test], items[test]),
    }
    for name, (max_len, min_len, step) in {
        "defaults": (10, None, None), "len5_min3_step2": (5, 3, 2), "len20_step1": (20, None, 1),
    }.items():
        seqs, owners = to_sequence(users, items, ts, max_len, min_len, step or max_len)
        out["ml100k"][f"sequence_{name}"] = {
            "max_length": max_len, "min_length": min_len, "step_size": step,
            "count": int(len(owners)), "first": seqs[0].tolist(), "last": seqs[-1].tolist(),
            "digest": digest(seqs, owners),
        }
    # A small case with every row visible.
    rs = np.random.RandomState(3)
    u = rs.randint(0, 6, 40).astype(np.int32)
    i = rs.randint(1, 30, 40).astype(np.int32)
    t = rs.randint(0, 10, 40).astype(np.int64)  # many ties: order must follow row order
    tr, te = random_split(u, i, 0.25, 7)
    tr_u, te_u, _ = user_split(u, 0.5, 7)
    seqs, owners = to_sequence(u, i, t, 4, 2, 3)
    out["small"] = {
        "user_ids": u.tolist(), "item_ids": i.tolist(), "timestamps": t.tolist(),
        "random_split_seed7_p025": {"train_rows": tr.tolist(), "test_rows": te.tolist()},
        "user_split_seed7_p05": {"train_rows": tr_u.tolist(), "test_rows": te_u.tolist()},
        "sequence_len4_min2_step3": {"sequences": seqs.tolist(), "user_ids": owners.tolist()},
    }
    path = ROOT / "packages/data/src/fixtures/spotlight-data.json"
    path.write_text(json.dumps(out) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
