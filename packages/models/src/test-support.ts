// Helpers shared by this package's tests (excluded from the build with the tests).
import { fileURLToPath } from 'node:url';

/** ../shared/data beside the repository, where CI provides ML-100K. */
export const SHARED_DATA = fileURLToPath(new URL('../../../../shared/data', import.meta.url));
