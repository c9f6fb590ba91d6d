// A throwaway Redis for this package's tests and the CLI's (excluded from the build with the tests): Debian's
// redis-server on a free loopback port, with an append-only file so that a stop and start keeps the queue, as a
// production Redis with persistence would.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SERVER = process.env.BLOOM_REDIS_SERVER ?? 'redis-server';

/** Why the Redis tests cannot run here, or undefined when redis-server is there. */
export const redisMissing: string | undefined =
  spawnSync(SERVER, ['--version'], { encoding: 'utf8' }).status === 0
    ? undefined
    : `no ${SERVER} on PATH: apt-get install redis-server (or set BLOOM_REDIS_SERVER)`;

/** A running test server: its address, and stop/start that keep its data. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data. */
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** How to start it: plain (default), or TLS only with these files, and with a password. */
export interface TestRedisOptions {
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca: string };
  readonly password?: string;
}

/** Starts redis-server on a free loopback port in a temporary folder. */
export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'bloom-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const args = options.tls
        ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', options.tls.cert]
        : ['--port', String(port)];
      if (options.tls) args.push('--tls-key-file', options.tls.key, '--tls-ca-cert-file', options.tls.ca);
      if (options.tls) args.push('--tls-auth-clients', 'no');
      if (options.password) args.push('--requirepass', options.password);
      args.push('--bind', '127.0.0.1', '--dir', dir, '--save', '');
      args.push('--appendonly', 'yes', '--appendfsync', 'always', '--daemonize', 'no');
      const proc = spawn(SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      let log = '';
      proc.stdout!.setEncoding('utf8').on('data', (s: string) => {
        log += s;
        if (/Ready to accept connections/.test(log)) resolve();
      });
      proc.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${log.slice(-500)}`)));
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      const proc = child;
      if (proc === undefined || proc.exitCode !== null) return resolve();
      proc.removeAllListeners('exit');
      proc.on('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  await start();
  return {
    url: `${options.tls ? 'rediss' : 'redis'}://${options.password ? `:${options.password}@` : ''}127.0.0.1:${port}`,
    port,
    start,
    stop,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
