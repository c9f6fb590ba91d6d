"""Spotlight's ImplicitSequenceModel epoch, re-implemented in PyTorch for a same-run baseline.

Spotlight itself is not installable here (no PyPI), so this follows its code (v0.1.6, spotlight/sequence/
representations.py and implicit.py) step for step: ScaledEmbedding items (normal / dim, padding_idx 0) tied
between inputs and outputs, ZeroEmbedding biases, the PoolNet, CNNNet (kernel 3, tanh, residual), LSTMNet and
MixtureLSTMNet (4 components) shapes, torch Adam over every parameter with weight_decay = l2, shuffled minibatches,
one uniform negative per position from numpy's RandomState, the masked loss, loss.item() per minibatch.

Used by benchmarks/sequence-speed.mjs, which writes the training sequences ([count, L] int32, left-padded with 0)
to a file so that both sides train on the same data. Needs Debian's python3-torch.
Prints one JSON object: {"seconds": [per epoch], "loss": [per epoch], "torch": version, "threads": n}.
"""

import argparse
import json
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class ScaledEmbedding(nn.Embedding):
    def reset_parameters(self):
        self.weight.data.normal_(0, 1.0 / self.embedding_dim)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx].fill_(0)


class ZeroEmbedding(nn.Embedding):
    def reset_parameters(self):
        self.weight.data.zero_()


class Net(nn.Module):
    """The item tables every Spotlight sequence net has, and its tied scoring."""

    def __init__(self, num_items, dim):
        super().__init__()
        self.item_embeddings = ScaledEmbedding(num_items, dim, padding_idx=0)
        self.item_biases = ZeroEmbedding(num_items, 1, padding_idx=0)

    def padded(self, sequences):
        # B x D x L x 1, padded with one zero step on the left.
        x = self.item_embeddings(sequences).permute(0, 2, 1).unsqueeze(3)
        return x

    def forward(self, users, targets):
        target_embedding = self.item_embeddings(targets).permute(0, 2, 1).squeeze()
        target_bias = self.item_biases(targets).squeeze()
        return target_bias + (users * target_embedding).sum(1).squeeze()


class PoolNet(Net):
    def user_representation(self, sequences):
        x = F.pad(self.padded(sequences), (0, 0, 1, 0))
        total = torch.cumsum(x, 2)
        count = torch.cumsum((x != 0.0).float(), 2).expand_as(total)
        users = (total / (count + 1)).squeeze(3)
        return users[:, :, :-1], users[:, :, -1]


class CNNNet(Net):
    def __init__(self, num_items, dim, kernel_width=3):
        super().__init__(num_items, dim)
        self.kernel_width = kernel_width
        self.cnn = nn.Conv2d(dim, dim, (kernel_width, 1))

    def user_representation(self, sequences):
        x0 = self.padded(sequences)
        x = torch.tanh(self.cnn(F.pad(x0, (0, 0, self.kernel_width, 0))))
        x = (x + F.pad(x0, (0, 0, 1, 0))).squeeze(3)
        return x[:, :, :-1], x[:, :, -1]


class LSTMNet(Net):
    def __init__(self, num_items, dim):
        super().__init__(num_items, dim)
        self.lstm = nn.LSTM(batch_first=True, input_size=dim, hidden_size=dim)

    def states(self, sequences):
        x = F.pad(self.padded(sequences), (0, 0, 1, 0)).squeeze(3).permute(0, 2, 1)
        users, _ = self.lstm(x)
        return users.permute(0, 2, 1)

    def user_representation(self, sequences):
        users = self.states(sequences)
        return users[:, :, :-1], users[:, :, -1]


class MixtureLSTMNet(LSTMNet):
    def __init__(self, num_items, dim, components=4):
        super().__init__(num_items, dim)
        self.components = components
        self.projection = nn.Conv1d(dim, dim * components * 2, kernel_size=1)

    def user_representation(self, sequences):
        users = self.projection(self.states(sequences))
        return users[:, :, :-1], users[:, :, -1:]

    def forward(self, users, targets):
        b, _, L = users.size()
        dim = self.item_embeddings.embedding_dim
        parts = users.view(b, self.components * 2, dim, L)
        mixture, taste = parts[:, : self.components], parts[:, self.components :]
        target = self.item_embeddings(targets).permute(0, 2, 1).unsqueeze(1).expand_as(mixture)
        attention = F.softmax((mixture * target).sum(2), dim=1)
        preference = (taste * target).sum(2)
        target_bias = self.item_biases(targets).squeeze()
        return target_bias + (attention * preference).sum(1).squeeze()


NETS = {"pooling": PoolNet, "cnn": CNNNet, "lstm": LSTMNet, "mixture": MixtureLSTMNet}


def bpr(pos, neg, mask):
    loss = (1.0 - torch.sigmoid(pos - neg)) * mask
    return loss.sum() / mask.sum()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sequences", required=True)
    parser.add_argument("--length", type=int, default=10)
    parser.add_argument("--items", type=int, required=True)
    parser.add_argument("--representation", choices=NETS, required=True)
    parser.add_argument("--dim", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--l2", type=float, default=0.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random_state = np.random.RandomState(args.seed)
    sequences = np.fromfile(args.sequences, dtype=np.int32).reshape(-1, args.length).astype(np.int64)
    net = NETS[args.representation](args.items, args.dim)
    optimizer = torch.optim.Adam(net.parameters(), lr=args.lr, weight_decay=args.l2)
    seconds, losses = [], []
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = random_state.permutation(len(sequences))
        shuffled = torch.from_numpy(sequences[order])
        total, batches = 0.0, 0
        for first in range(0, len(shuffled), args.batch):
            batch = shuffled[first : first + args.batch]
            users, _ = net.user_representation(batch)
            positive = net(users, batch)
            negatives = torch.from_numpy(random_state.randint(0, args.items, batch.size(), dtype=np.int64))
            negative = net(users, negatives)
            optimizer.zero_grad()
            loss = bpr(positive, negative, (batch != 0).float())
            total += loss.item()
            batches += 1
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
        losses.append(total / batches)
    print(json.dumps({"seconds": seconds, "loss": losses, "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
