// The sequence trainer's kernels (@bloom/backend-wasm's WasmSequenceTrainer), compiled by tools/build-wasm.mjs
// with AssemblyScript into src/kernels/sequence-kernels-bytes.ts. Every pointer is a byte offset into the imported
// memory (the tables' kernel arena); no kernel allocates or keeps data of its own, and the module has no data
// segment, so instantiating it on a memory in use changes nothing there.
export { adam_dense } from './adam';
export { cnn_output, cnn_output_backward, col2im_add, im2col } from './cnn';
export { add_rows, column_sums, fill_zero, gemm } from './gemm';
export { lstm_backward, lstm_forward } from './lstm';
export { mixture_backward, mixture_scores } from './mixture';
export { softmax_xent } from './output';
export { pooling_backward, pooling_forward } from './pooling';
export { hardest_negatives, route_hardest, tied_backward, tied_loss, tied_scores } from './scores';
export { weighted_backward, weighted_gather, weighted_split } from './weighted';
