/**
 * Why a file could not be opened, in words for a one-line error (`no such file`, `a directory, not a file`, or the
 * error code), or undefined when `error` is not one of the file system's can't-open errors.
 */
export function unreadableFileReason(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'a directory, not a file';
  if (code === 'EACCES' || code === 'ENOTDIR') return code;
  return undefined;
}
