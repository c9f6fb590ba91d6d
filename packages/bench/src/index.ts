export { type Cell, cellKey, expandMatrix, seriesLabel, trainArguments } from './cell.js';
export { cellSchema, parseCell } from './cell-schema.js';
export {
  ACCURACY_STRATEGIES,
  type AccuracyExperimentOptions,
  type AccuracyLevel,
  type AccuracyPoint,
  type AccuracyStrategy,
  accuracyLevels,
  accuracyPoints,
  drawConfigurations,
  HYBRID_HEAD_SHARES,
  PUBLISHED_RELATIVE_MRR,
  searchCells,
  writeAccuracyReport,
} from './experiments/accuracy.js';
export {
  FLATNESS_ITEMS,
  type FlatnessOptions,
  type FlatnessRow,
  flatnessExperiment,
  flatnessMarkdown,
} from './experiments/flatness.js';
export {
  type SequenceFloorRow,
  SPOTLIGHT_SEQUENCE_FLOORS,
  sequenceFloorsExperiment,
  sequenceFloorsMarkdown,
} from './experiments/sequence-floors.js';
export {
  SEQUENCE_OUTPUT_DATASETS,
  sequenceOutputCells,
  sequenceOutputMarkdown,
} from './experiments/sequence-output.js';
export {
  PUBLISHED_SPEEDUPS,
  type SpeedExperimentOptions,
  type SpeedPoint,
  speedCells,
  speedPoints,
  writeSpeedReport,
} from './experiments/speed.js';
export { loadMatrix, MATRIX_MODELS, type Matrix, matrixSchema, parseMatrix } from './matrix.js';
export { type MicroResult, runMicroBenchmarks } from './micro.js';
export { type ChartOptions, type ChartPoint, chartSvg, writeChart } from './plots.js';
export {
  matrixMarkdown,
  median,
  type ReportContext,
  reportHeader,
  type SettingSummary,
  summariseSettings,
  writeMatrixReport,
} from './report.js';
export { runTrainCell } from './run-train-cell.js';
export {
  type CellOutcome,
  type CellRecord,
  type CellStatus,
  type RunMatrixOptions,
  readRecords,
  runMatrix,
} from './runner.js';
export { schemaError } from './schema-error.js';
