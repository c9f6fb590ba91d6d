import { BloomError, ConfigError } from '@bloom/core';
import type { RawId, Recommender } from '@bloom/models';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { ModelSlot } from './model-slot.js';

// Bounds on what one request may ask, so that no request can hold the server for long.
const MAX_K = 1000;
const MAX_BATCH = 1000;
const MAX_PAIRS = 10_000;
const ID = { type: ['string', 'integer'], minLength: 1, maxLength: 1024 } as const;

/**
 * The HTTP JSON API over a {@link ModelSlot}: `GET /recommend?user=ID&k=K&exclude_seen=true`, `POST /recommend`
 * (`{ users, k?, exclude_seen? }`), `POST /score` (`{ pairs: [{ user, item }] }`), `GET /health`, `GET /model`.
 * Every route has a JSON schema: a malformed request is a 400 naming the field; an id the model does not know is
 * a 404 naming it. Answers use the data's own ids, as `bloom recommend --json` prints them.
 */
export function createServer(slot: ModelSlot, options: { logger?: boolean } = {}): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1 << 20,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allowUnionTypes: true } },
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof ConfigError) {
      return reply.code(404).send({ error: 'not found', field: error.option, message: error.message });
    }
    if ((error as { validation?: unknown }).validation !== undefined || error.statusCode === 400) {
      return reply.code(400).send({ error: 'bad request', message: error.message });
    }
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: error.code ?? 'error', message: error.message });
    }
    app.log.error(error);
    return reply
      .code(500)
      .send({ error: 'internal', message: error instanceof BloomError ? error.message : 'internal error' });
  });

  const withModel = <T>(
    answer: (recommender: Recommender, held: { loadedAt: Date; generation: number }) => T,
  ): T => {
    const held = slot.acquire();
    try {
      return answer(held.recommender, held);
    } finally {
      held.release();
    }
  };

  app.get(
    '/recommend',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['user'],
          additionalProperties: false,
          properties: {
            user: { type: 'string', minLength: 1, maxLength: 1024 },
            k: { type: 'integer', minimum: 1, maximum: MAX_K, default: 10 },
            exclude_seen: { type: 'boolean', default: false },
          },
        },
      },
    },
    async (request) => {
      const { user, k, exclude_seen } = request.query as { user: string; k: number; exclude_seen: boolean };
      return withModel((r) => r.recommend(r.rawIdOf(user, 'users'), { k, excludeSeen: exclude_seen }));
    },
  );

  app.post(
    '/recommend',
    {
      schema: {
        body: {
          type: 'object',
          required: ['users'],
          additionalProperties: false,
          properties: {
            users: { type: 'array', minItems: 1, maxItems: MAX_BATCH, items: ID },
            k: { type: 'integer', minimum: 1, maximum: MAX_K, default: 10 },
            exclude_seen: { type: 'boolean', default: false },
          },
        },
      },
    },
    async (request) => {
      const { users, k, exclude_seen } = request.body as { users: RawId[]; k: number; exclude_seen: boolean };
      return withModel((r) => ({
        recommendations: users.map((user) =>
          r.recommend(r.rawIdOf(String(user), 'users'), { k, excludeSeen: exclude_seen }),
        ),
      }));
    },
  );

  app.post(
    '/score',
    {
      schema: {
        body: {
          type: 'object',
          required: ['pairs'],
          additionalProperties: false,
          properties: {
            pairs: {
              type: 'array',
              minItems: 1,
              maxItems: MAX_PAIRS,
              items: {
                type: 'object',
                required: ['user', 'item'],
                additionalProperties: false,
                properties: { user: ID, item: ID },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const { pairs } = request.body as { pairs: { user: RawId; item: RawId }[] };
      return withModel((r) => ({
        scores: r.score(
          pairs.map(({ user, item }) => ({
            user: r.rawIdOf(String(user), 'users'),
            item: r.rawIdOf(String(item), 'items'),
          })),
        ),
      }));
    },
  );

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/model', async () =>
    withModel((recommender, held) => {
      const config = recommender.model.config as { numUsers?: number; numItems: number; dim: number };
      return {
        path: slot.path,
        kind: recommender.model.kind,
        task: recommender.task,
        dim: config.dim,
        users: recommender.index.users?.length ?? recommender.numUsers,
        items: recommender.index.items?.length ?? config.numItems,
        catalog: recommender.index.catalog.length,
        own_ids: recommender.index.users !== undefined || recommender.index.items !== undefined,
        // Sides whose table hashes the raw ids: ids never seen in training are answered (flagged cold).
        vocabulary_free: { users: recommender.keyed('users'), items: recommender.keyed('items') },
        new_items: recommender.index.newItems?.length ?? 0,
        loaded_at: held.loadedAt.toISOString(),
        generation: held.generation,
      };
    }),
  );

  return app;
}
