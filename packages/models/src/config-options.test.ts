import { cpuBackend } from '@bloom/backend-cpu';
import { type BackendAdapter, ConfigError } from '@bloom/core';
import { Interactions } from '@bloom/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExplicitFactorizationModel } from './factorization/explicit-factorization.js';
import { ImplicitFactorizationModel } from './factorization/implicit-factorization.js';
import { NetworkSequenceModel } from './sequence/network-sequence.js';
import { PoolingSequenceModel } from './sequence/pooling-sequence.js';

let adapter: BackendAdapter;
beforeAll(async () => {
  adapter = await cpuBackend.create();
});

// Every level of a model's configuration refuses what it does not know, naming it: a typo never trains a model
// with a default the user did not ask for.
describe('model options', () => {
  const base = { numUsers: 5, numItems: 6 };

  it('a misspelt model, embedding-spec, strategy or optimizer option is a ConfigError naming it', () => {
    const cases: [() => unknown, RegExp][] = [
      [
        () => ImplicitFactorizationModel.create({ ...base, lossFn: 'bpr' } as never, adapter),
        /config\.lossFn/,
      ],
      [
        () =>
          ImplicitFactorizationModel.create(
            { ...base, items: { strategy: 'bloom', option: {} } } as never,
            adapter,
          ),
        /items\.option: .*did you mean options\?/,
      ],
      [
        () =>
          ImplicitFactorizationModel.create(
            { ...base, items: { strategy: 'bloom', options: { compresionRatio: 0.2 } } },
            adapter,
          ),
        /bloom\.compresionRatio: .*did you mean compressionRatio\?/,
      ],
      [
        () =>
          ImplicitFactorizationModel.create(
            { ...base, optimizer: { kind: 'adam', lr: 0.1, weight_decay: 1e-6 } as never },
            adapter,
          ),
        /optimizer\.weight_decay: .*did you mean weightDecay\?/,
      ],
      // Explicit models take no negatives; sequence models have no users.
      [
        () => ExplicitFactorizationModel.create({ ...base, numNegativeSamples: 3 } as never, adapter),
        /config\.numNegativeSamples/,
      ],
      [() => PoolingSequenceModel.create({ numItems: 6, numUsers: 5 } as never, adapter), /Invalid numUsers/],
      [
        () => NetworkSequenceModel.create({ numItems: 6, representaton: 'cnn' } as never, adapter),
        /config\.representaton: .*did you mean representation\?/,
      ],
    ];
    for (const [create, message] of cases) {
      expect(create).toThrow(ConfigError);
      expect(create).toThrow(message);
    }
  });

  it('fit refuses an unknown option before training', async () => {
    const model = ImplicitFactorizationModel.create(base, adapter);
    const data = new Interactions({ userIds: [0, 1], itemIds: [2, 3], numUsers: 5, numItems: 6 });
    const before = await model.net.items.table.read();
    await expect(model.fit(data, { epoch: 3 } as never)).rejects.toThrow(
      /fit\.epoch: .*did you mean epochs\?/,
    );
    expect(await model.net.items.table.read()).toEqual(before);
  });
});
