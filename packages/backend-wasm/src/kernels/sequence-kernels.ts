/**
 * The exports of assembly/index.ts (AssemblyScript, compiled into sequence-kernels-bytes.ts): the sequence
 * trainer's kernels. Every pointer is a byte offset into the memory they are bound to; sizes are in floats.
 */
export interface SequenceKernels {
  /** A weighted strategy's rows [count, k + 1] split into components [count k] and weight rows (minus `first`). */
  weighted_split(
    entries: number,
    k: number,
    count: number,
    first: number,
    components: number,
    weightRows: number,
  ): void;
  /** out[i] = sum_j w[i, j] row(rows[i k + j]), rows read in the table at `data`: hash embeddings' combine. */
  weighted_gather(
    data: number,
    stride: number,
    rows: number,
    k: number,
    count: number,
    d: number,
    w: number,
    out: number,
  ): void;
  /** dComp[i k + j] = w[i, j] dOut[i], dW[i, j] = dot(dOut[i], row(rows[i k + j])) (assembly/weighted.ts). */
  weighted_backward(
    data: number,
    stride: number,
    rows: number,
    w: number,
    dOut: number,
    k: number,
    count: number,
    d: number,
    dComp: number,
    dW: number,
  ): void;
  /** C[m, n] (+)= op(A) op(B); `flags`: 1 accumulate, 2 A stored [k, m], 4 B stored [n, k] (assembly/gemm.ts). */
  gemm(
    a: number,
    b: number,
    c: number,
    m: number,
    n: number,
    k: number,
    lda: number,
    ldb: number,
    ldc: number,
    flags: number,
    pack: number,
  ): void;
  column_sums(a: number, m: number, n: number, out: number, accumulate: number): void;
  add_rows(c: number, m: number, n: number, bias: number): void;
  lstm_forward(z: number, cPrev: number, c: number, tc: number, h: number, b: number, d: number): void;
  lstm_backward(
    gates: number,
    cPrev: number,
    tanhC: number,
    dh: number,
    dc: number,
    dz: number,
    b: number,
    d: number,
  ): void;
  im2col(x: number, windows: number, steps: number, b: number, d: number, kw: number): void;
  col2im_add(dWindows: number, dx: number, steps: number, b: number, d: number, kw: number): void;
  cnn_output(pre: number, x: number, out: number, steps: number, b: number, d: number): void;
  cnn_output_backward(
    activated: number,
    dOut: number,
    dPre: number,
    dx: number,
    steps: number,
    b: number,
    d: number,
  ): void;
  pooling_forward(
    x: number,
    users: number,
    divisors: number,
    carry: number,
    steps: number,
    b: number,
    d: number,
  ): void;
  pooling_backward(
    dUsers: number,
    divisors: number,
    dx: number,
    carry: number,
    steps: number,
    b: number,
    d: number,
  ): void;
  tied_scores(
    users: number,
    xp: number,
    xn: number,
    bp: number,
    bn: number,
    n: number,
    d: number,
    pos: number,
    neg: number,
  ): void;
  tied_loss(
    kind: number,
    pos: number,
    neg: number,
    targets: number,
    n: number,
    dpos: number,
    dneg: number,
    countAt: number,
  ): number;
  tied_backward(
    users: number,
    xp: number,
    xn: number,
    dpos: number,
    dneg: number,
    n: number,
    d: number,
    dUsers: number,
    dxp: number,
    dxn: number,
  ): void;
  hardest_negatives(
    scores: number,
    x: number,
    bias: number,
    n: number,
    d: number,
    negatives: number,
    chosen: number,
    chosenX: number,
    chosenBias: number,
  ): void;
  route_hardest(
    chosen: number,
    dChosenX: number,
    dChosenBias: number,
    n: number,
    d: number,
    negatives: number,
    dx: number,
    dBias: number,
  ): void;
  mixture_scores(
    y: number,
    xp: number,
    xn: number,
    bp: number,
    bn: number,
    n: number,
    d: number,
    components: number,
    pos: number,
    neg: number,
    weights: number,
  ): void;
  mixture_backward(
    y: number,
    xp: number,
    xn: number,
    weights: number,
    dpos: number,
    dneg: number,
    n: number,
    d: number,
    components: number,
    dy: number,
    dxp: number,
    dxn: number,
  ): void;
  softmax_xent(
    logits: number,
    n: number,
    m: number,
    positions: number,
    k: number,
    targets: number,
    countAt: number,
  ): number;
  fill_zero(at: number, n: number): void;
  adam_dense(
    w: number,
    g: number,
    m: number,
    v: number,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    decay: number,
    correction1: number,
    correction2: number,
  ): void;
}

/** The kernels' export names, in a fixed order: how a recorded call names its kernel to a worker. */
export const SEQUENCE_KERNEL_NAMES = [
  'gemm',
  'column_sums',
  'add_rows',
  'fill_zero',
  'lstm_forward',
  'lstm_backward',
  'im2col',
  'col2im_add',
  'cnn_output',
  'cnn_output_backward',
  'pooling_forward',
  'pooling_backward',
  'tied_scores',
  'tied_loss',
  'tied_backward',
  'hardest_negatives',
  'route_hardest',
  'mixture_scores',
  'mixture_backward',
  'softmax_xent',
  'adam_dense',
] as const satisfies readonly (keyof SequenceKernels)[];
