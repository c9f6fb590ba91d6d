// A custom model: one learned bias per item, trained with Spotlight's BPR against sampled negatives (a
// popularity model that learns). Registered by name, so `bloom train --model item-bias`, checkpoints and the
// benchmark matrix create it through the models registry like the built-in models.
// Run: bloom --plugin ./docs/examples/item-bias-model.mjs train --model item-bias --dataset ml-latest-small
import { embeddingStrategies, models, Rng, requireKnownOptions } from '@bloom/core';
import { SparseEmbedding } from '@bloom/embeddings';
import { mrrScore, precisionRecallAtK } from '@bloom/models';

// What `bloom train` passes an implicit model (dim and items do not apply: the table is one width-1 row per item).
const OPTIONS = ['numUsers', 'numItems', 'dim', 'items', 'optimizer', 'updateMode', 'seed', 'loss'];

class ItemBiasModel {
  kind = 'item-bias';
  denseParameters = 0;
  trainingPath = undefined;

  constructor(config, adapter) {
    requireKnownOptions('config', config, OPTIONS);
    if ((config.loss ?? 'bpr') !== 'bpr') throw new Error('item-bias trains with bpr only');
    this.config = {
      ...config,
      optimizer: config.optimizer ?? { kind: 'adam', lr: 1e-2 },
      seed: config.seed ?? 0,
    };
    this.numItems = config.numItems;
    const strategy = embeddingStrategies.get('dense').create({ numEmbeddings: config.numItems, dim: 1 });
    this.biases = SparseEmbedding.create({
      strategy,
      adapter,
      optimizer: this.config.optimizer,
      init: new Float32Array(config.numItems),
    });
    this.rng = Rng.stream(this.config.seed, 'negatives');
  }

  embeddings() {
    return { items: this.biases };
  }

  /** BPR on biases alone: loss = mean(1 - sigmoid(b_pos - b_neg)). */
  async fit(interactions, { epochs = 10, batchSize = 256, onEpoch } = {}) {
    const table = this.biases.table;
    const reports = [];
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const start = performance.now();
      let total = 0;
      let batches = 0;
      for (let from = 0; from < interactions.length; from += batchSize) {
        const positives = interactions.itemIds.subarray(from, from + batchSize);
        const b = positives.length;
        const rows = new Int32Array(2 * b);
        rows.set(positives);
        this.rng.fillInt(rows, this.numItems, b);
        const values = table.lookup(this.biases.rowsFor(rows), 1, 'sum');
        const grads = new Float32Array(2 * b);
        let loss = 0;
        for (let i = 0; i < b; i++) {
          const s = 1 / (1 + Math.exp(-(values[i] - values[b + i])));
          loss += 1 - s;
          grads[i] = (-s * (1 - s)) / b;
          grads[b + i] = (s * (1 - s)) / b;
        }
        table.applyGradients(rows, 1, 'sum', grads);
        total += loss / b;
        batches++;
      }
      const report = { epoch, loss: total / batches, seconds: (performance.now() - start) / 1000 };
      onEpoch?.(report);
      reports.push(report);
    }
    this.trainingPath = { trainer: 'host', reason: 'item-bias trains with its own TypeScript loop' };
    return reports;
  }

  /** Every user ranks items by bias (RankingScorer, for @bloom/models' metrics). */
  scoreChunk(users, from, to, out) {
    const biases = this.biases.table.lookup(
      Int32Array.from({ length: to - from }, (_, i) => from + i),
      1,
      'sum',
    );
    for (let u = 0; u < users.length; u++) out.set(biases, u * (to - from));
  }

  async evaluate(test, train) {
    const { precision, recall } = precisionRecallAtK(this, test, train, 10);
    return { mrr: mrrScore(this, test, train).mrr, precision_at_10: precision, recall_at_10: recall };
  }

  dispose() {
    this.biases.dispose();
  }
}

models.register({
  name: 'item-bias',
  description: 'one BPR-trained bias per item: a learned popularity ranking',
  task: 'implicit',
  create: (config, adapter) => new ItemBiasModel(config, adapter),
});
