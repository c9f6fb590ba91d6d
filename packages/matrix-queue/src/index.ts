export { type CellJob, parseCellJob } from './cell-job.js';
export {
  type CollectOptions,
  type CollectProgress,
  collectCells,
  type WaitingBackend,
} from './collect.js';
export { checkQueue, connectQueue, parseQueueUrl, redactQueueUrl } from './connection.js';
export { type EnqueueOptions, type EnqueueSummary, enqueueCells } from './enqueue.js';
export { forgetCells } from './forget.js';
export { cellJobId, QUEUE_PREFIX, queueName } from './names.js';
export { dropTornLine } from './results-file.js';
export {
  type CellJobResult,
  MatrixWorker,
  type MatrixWorkerEvent,
  type MatrixWorkerOptions,
} from './worker.js';
