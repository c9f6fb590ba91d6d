import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { DataError } from '@bloom/core';

/** Called as bytes arrive; `total` is undefined when the server sends no length. */
export type ProgressCallback = (received: number, total: number | undefined) => void;

/** Digests of a finished download. */
export interface DownloadResult {
  readonly bytes: number;
  readonly md5: string;
  readonly sha256: string;
}

/** Options of {@link downloadToFile}. */
export interface DownloadOptions {
  readonly onProgress?: ProgressCallback;
  readonly signal?: AbortSignal;
  /** Replaces the global fetch (tests, proxies). */
  readonly fetch?: typeof fetch;
}

/**
 * Streams `url` into `path` (which must not exist), hashing as it goes; nothing is held in memory.
 * A short body (fewer bytes than Content-Length) is an error. The caller removes `path` on failure.
 * @throws DataError naming the URL and the HTTP status or network failure.
 */
export async function downloadToFile(
  url: string,
  path: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, { signal: options.signal, redirect: 'follow' });
  } catch (cause) {
    throw new DataError(`download of ${url} failed: ${reason(cause)}`);
  }
  if (!response.ok || response.body === null) {
    throw new DataError(`download of ${url} failed: HTTP ${response.status} ${response.statusText}`.trim());
  }
  const lengthHeader = response.headers.get('content-length');
  const total = lengthHeader === null ? undefined : Number(lengthHeader);
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  const file = await open(path, 'wx');
  let received = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      md5.update(chunk);
      sha256.update(chunk);
      await file.write(chunk);
      received += chunk.length;
      options.onProgress?.(received, total);
    }
  } catch (cause) {
    throw new DataError(`download of ${url} was interrupted after ${received} bytes: ${reason(cause)}`);
  } finally {
    await file.close();
  }
  if (total !== undefined && received !== total) {
    throw new DataError(`download of ${url} is truncated: received ${received} of ${total} bytes`);
  }
  return { bytes: received, md5: md5.digest('hex'), sha256: sha256.digest('hex') };
}

/** Fetches a published checksum file (`MD5 (x.zip) = hex` or `hex  x.zip`) and returns the hex digest. */
export async function fetchPublishedMd5(url: string, options: DownloadOptions = {}): Promise<string> {
  const doFetch = options.fetch ?? fetch;
  let text: string;
  try {
    const response = await doFetch(url, { signal: options.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    text = await response.text();
  } catch (cause) {
    throw new DataError(`could not fetch the published checksum ${url}: ${reason(cause)}`);
  }
  const match = /\b([0-9a-f]{32})\b/i.exec(text);
  if (match === null) throw new DataError(`${url} does not contain an MD5 digest`);
  return match[1]!.toLowerCase();
}

function reason(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as { cause?: unknown }).cause;
    return inner instanceof Error ? `${cause.message} (${inner.message})` : cause.message;
  }
  return String(cause);
}
