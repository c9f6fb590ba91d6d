import { ConfigError, DataError } from '@bloom/core';
import { Redis } from 'ioredis';

/**
 * Checks a queue address: `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS.
 * @param option - The option it came from, for the error (`--queue`).
 * @throws ConfigError naming the option and the forms it takes (the value is shown without its password).
 */
export function parseQueueUrl(text: string, option = '--queue'): URL {
  const allowed = 'redis://[user:password@]host[:port][/db] or rediss://... (TLS)';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(option, allowed, redactQueueUrl(text));
  }
  if ((url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new ConfigError(option, allowed, redactQueueUrl(text));
  }
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d+$/.test(url.pathname)) {
    throw new ConfigError(`${option} database`, 'a number after the host (/0, /1, ...)', url.pathname);
  }
  return url;
}

/** The address as it may be printed: the password (and a user's name) replaced by `***`. */
export function redactQueueUrl(text: string | URL): string {
  const s = String(text);
  // Works on strings that do not parse as URLs too: everything between the scheme and the last '@' goes.
  return s.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, '$1***@');
}

/**
 * Connects once, without retrying, and pings: so that a wrong address or password is one clear error at start
 * rather than endless reconnection attempts.
 * @throws DataError naming the address (without its password) and what Redis or the network said.
 */
export async function checkQueue(url: URL, timeoutMs = 5000): Promise<void> {
  const redis = new Redis(url.toString(), {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  // ioredis rejects with "Connection is closed"; the error event says why (ECONNREFUSED, WRONGPASS, ...).
  let why: string | undefined;
  redis.on('error', (error: Error) => {
    why ??= error.message;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new DataError(`cannot use the queue: ${why ?? (error as Error).message}`, redactQueueUrl(url));
  } finally {
    redis.disconnect();
  }
}

/**
 * Opens a Redis connection for BullMQ. Commands wait through a lost connection instead of failing
 * (`maxRetriesPerRequest: null`, which BullMQ's workers require), and ioredis reconnects on its own, so a Redis
 * restart only pauses the run.
 * @param onError - Told of connection errors, once per outage rather than at every reconnection attempt.
 */
export function connectQueue(url: URL, onError: (message: string) => void = () => {}): Redis {
  const redis = new Redis(url.toString(), { maxRetriesPerRequest: null });
  let told = false;
  redis.on('error', (error: Error) => {
    if (!told) onError(error.message);
    told = true;
  });
  redis.on('ready', () => {
    told = false;
  });
  return redis;
}
