"""Spotlight's ImplicitFactorizationModel epoch, re-implemented in PyTorch for a same-run baseline.

Spotlight itself is not installable here (no PyPI), so this follows its code path step for step (see
../shared/reference/spotlight-semantics.md): BilinearNet with ScaledEmbedding (normal / dim) and zero biases,
sparse=False, torch Adam over every parameter (so the whole table is updated each step), shuffle and one uniform
negative per positive from numpy's RandomState, BPR loss 1 - sigmoid(pos - neg), loss.item() per batch.
BloomEmbedding as Spotlight's: k murmur3 hashes per id precomputed for all N ids, rows summed, row 0 for padding.

Used by benchmarks/factorization-epoch.mjs (needs Debian's python3-torch; the benchmark skips it when absent).
Prints one JSON object: {"seconds": [per epoch], "torch": version, "threads": n}.
"""

import argparse
import json
import time

import numpy as np
import torch

SPOTLIGHT_SEEDS = [179424941, 179425457, 179425907, 179426369, 179424977, 179425517, 179425943, 179426407]


def murmur3_32(keys: np.ndarray, seed: int) -> np.ndarray:
    """sklearn's murmurhash3_32 of int32 keys (4 little-endian bytes), signed, vectorised."""
    c1, c2, mask = 0xCC9E2D51, 0x1B873593, 0xFFFFFFFF
    k = keys.astype(np.uint64) & mask
    k = (k * c1) & mask
    k = ((k << 15) | (k >> 17)) & mask
    k = (k * c2) & mask
    h = np.uint64(seed & mask) ^ k
    h = ((h << 13) | (h >> 19)) & mask
    h = (h * 5 + 0xE6546B64) & mask
    h ^= 4
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & mask
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & mask
    h ^= h >> 16
    return h.astype(np.uint32).view(np.int32)


class Embedding(torch.nn.Module):
    def __init__(self, n: int, dim: int, bloom: bool, ratio: float, k: int):
        super().__init__()
        rows = int(ratio * n) if bloom else n
        self.table = torch.nn.Embedding(rows, dim, padding_idx=0 if bloom else None)
        self.table.weight.data.normal_(0, 1.0 / dim)
        if bloom:
            self.table.weight.data[0].zero_()
            ids = np.arange(n, dtype=np.int32)
            hashes = np.stack([murmur3_32(ids, s) for s in SPOTLIGHT_SEEDS[:k]], axis=1).astype(np.int64) % rows
            hashes[0] = 0
            self.hashes = torch.from_numpy(hashes)
        else:
            self.hashes = None

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        if self.hashes is None:
            return self.table(ids)
        return self.table(torch.index_select(self.hashes, 0, ids)).sum(-2)


class BilinearNet(torch.nn.Module):
    def __init__(self, num_users: int, num_items: int, dim: int, bloom: bool, ratio: float, k: int):
        super().__init__()
        self.users = Embedding(num_users, dim, False, 1.0, 1)
        self.items = Embedding(num_items, dim, bloom, ratio, k)
        self.user_biases = torch.nn.Embedding(num_users, 1)
        self.item_biases = torch.nn.Embedding(num_items, 1)
        self.user_biases.weight.data.zero_()
        self.item_biases.weight.data.zero_()

    def forward(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        dot = (self.users(users) * self.items(items)).sum(1)
        return dot + self.user_biases(users).squeeze() + self.item_biases(items).squeeze()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--ratings', required=True, help='ML-100K u.data')
    parser.add_argument('--num-embeddings', type=int, required=True)
    parser.add_argument('--embedding', choices=['dense', 'bloom'], default='dense')
    parser.add_argument('--compression', type=float, default=0.2)
    parser.add_argument('--hashes', type=int, default=4)
    parser.add_argument('--dim', type=int, default=32)
    parser.add_argument('--batch-size', type=int, default=2048)
    parser.add_argument('--epochs', type=int, default=2)
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)

    data = np.loadtxt(args.ratings, dtype=np.int64, usecols=(0, 1))
    users, items = data[:, 0], data[:, 1]  # ids as in the file, 1-based: Spotlight keeps them
    state = np.random.RandomState(42)
    order = state.permutation(len(users))
    cut = int((1 - 0.2) * len(users))  # Spotlight's random_train_test_split
    users, items = users[order[:cut]], items[order[:cut]]
    num_users = int(data[:, 0].max()) + 1
    net = BilinearNet(num_users, args.num_embeddings, args.dim, args.embedding == 'bloom', args.compression, args.hashes)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-2, weight_decay=0.0)

    seconds = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        shuffle = state.permutation(len(users))
        u_all = torch.from_numpy(users[shuffle])
        i_all = torch.from_numpy(items[shuffle])
        epoch_loss = 0.0
        for b in range(0, len(users), args.batch_size):
            u, i = u_all[b:b + args.batch_size], i_all[b:b + args.batch_size]
            negatives = torch.from_numpy(state.randint(0, args.num_embeddings, len(u), dtype=np.int64))
            positive = net(u, i)
            negative = net(u, negatives)
            loss = (1.0 - torch.sigmoid(positive - negative)).mean()
            optimizer.zero_grad()
            epoch_loss += loss.item()
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
        if not np.isfinite(epoch_loss) or epoch_loss == 0.0:
            raise SystemExit(f'degenerate epoch loss {epoch_loss}')
    print(json.dumps({'seconds': seconds, 'torch': torch.__version__, 'threads': torch.get_num_threads()}))


if __name__ == '__main__':
    main()
