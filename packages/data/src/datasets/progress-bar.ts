import cliProgress from 'cli-progress';
import type { ProgressCallback } from './download.js';

/** A download progress bar on stderr (cli-progress), and a function to stop it. */
export function stderrProgressBar(label: string): { update: ProgressCallback; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {received}/{size} MiB`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  return {
    update(received, total) {
      const size = total ?? received;
      if (!started) {
        bar.start(size, 0, { received: '0.0', size: total === undefined ? '?' : mib(size) });
        started = true;
      }
      bar.setTotal(size);
      bar.update(received, { received: mib(received), size: total === undefined ? '?' : mib(size) });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
