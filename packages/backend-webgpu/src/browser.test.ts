import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describeRequiring } from '@bloom/conformance';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

// The browser check: browser-check/main.ts, bundled with esbuild as a user's app would be, served from localhost
// (WebGPU needs a secure context) to Debian's Chromium (installed by CI; no browser download), driven headless by
// playwright-core. Chromium without a GPU offers SwiftShader's WebGPU adapter with --enable-unsafe-webgpu.
const CHROMIUM = process.env.BLOOM_CHROMIUM ?? '/usr/bin/chromium';
const page = (file: string) => fileURLToPath(new URL(`../browser-check/${file}`, import.meta.url));
// A fresh machine may have no Chromium: the check then skips, saying so; CI installs it and sets
// BLOOM_REQUIRE_BROWSER=1, which turns a missing browser into a failure.
const missing = existsSync(CHROMIUM)
  ? undefined
  : `no Chromium at ${CHROMIUM}: apt-get install chromium (or set BLOOM_CHROMIUM)`;

describeRequiring('the browser check', missing, 'BLOOM_REQUIRE_BROWSER', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [page('main.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      // Workspace packages from their sources; @bloom/data's "browser" entry leaves its Node loaders out. Node
      // built-ins that unused exports import (checkpoint files) are dropped by tree-shaking; Dawn is Node-only.
      conditions: ['@bloom/source'],
      external: ['node:*', 'webgpu'],
      logLevel: 'error',
    });
    const files: Record<string, [string, string]> = {
      '/': [readFileSync(page('index.html'), 'utf8'), 'text/html'],
      '/bundle.js': [bundle.outputFiles[0]!.text, 'text/javascript'],
    };
    server = createServer((request, response) => {
      const file = files[request.url ?? ''];
      response.writeHead(file ? 200 : 404, { 'content-type': file?.[1] ?? 'text/plain' });
      response.end(file?.[0] ?? 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://localhost:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => server?.close());

  it('a bundled page trains BPR factorization on WebGPU in headless Chromium, also with GPU-resident tables, and shows the loss per epoch', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--enable-unsafe-webgpu'],
    });
    try {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(String(error)));
      await tab.goto(url);
      await tab.waitForFunction(() => 'bloomCheck' in globalThis, undefined, { timeout: 90_000 });
      const outcome = (await tab.evaluate(
        () => (globalThis as unknown as { bloomCheck: unknown }).bloomCheck,
      )) as {
        backend?: string;
        device?: string;
        losses?: number[];
        gpuTables?: boolean;
        gpuLosses?: number[];
        error?: string;
      };
      expect(errors).toEqual([]);
      expect(outcome.error, 'the browser found no WebGPU adapter').toBeUndefined();
      expect(outcome.backend).toBe('webgpu');
      expect(outcome.device).toMatch(/\S/);
      expect(outcome.losses).toHaveLength(5);
      expect(outcome.losses!.at(-1)!).toBeLessThan(outcome.losses![0]!);
      const shown = await tab.locator('#epochs li').allTextContents();
      expect(shown).toHaveLength(5);
      expect(shown[0]).toMatch(/^epoch 1: loss \d\.\d{4}/);
      // The second run's tables lived on the GPU, and it learned too.
      expect(outcome.gpuTables).toBe(true);
      expect(outcome.gpuLosses).toHaveLength(3);
      expect(outcome.gpuLosses!.at(-1)!).toBeLessThan(outcome.gpuLosses![0]!);
      expect(await tab.locator('#gpu-epochs li').allTextContents()).toHaveLength(3);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
