/**
 * Ends this process when the process that started it is gone. `bloom bench` and `bloom worker` run each cell as a
 * child with BLOOM_PARENT_PID set. A parent killed outright (SIGKILL, the OOM killer) cannot stop its cell, and the
 * orphan would otherwise run on past its budget and slow the cells that run after it on that machine. The check
 * runs between batches, when training yields to the event loop.
 * @param parentPid - The parent's pid as a string (from the environment); nothing happens when it is not set.
 */
export function exitWithParent(parentPid: string | undefined, intervalMs = 500): void {
  const parent = Number(parentPid);
  if (!Number.isInteger(parent) || parent <= 0) return;
  const check = () => {
    if (process.ppid !== parent) {
      process.stderr.write(`bloom: stopping: the process that started this one (pid ${parent}) is gone\n`);
      process.exit(1);
    }
  };
  check();
  setInterval(check, intervalMs).unref();
}
