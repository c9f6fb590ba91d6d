// Hash embeddings' weighted combine (@bloom/embeddings' `weighted` strategies) and its backward pass, for the fused
// trainers: an id's vector is the sum over its k components of weight times component row. The component rows are
// read in place from the pool table (no [count k, d] copy), the weights from a gathered [count, k]; d is streamed
// four floats at a time.

/**
 * out[i] = sum_j w[i, j] * row(rows[i k + j]) for the count ids ([count, d]), reading the component rows where
 * they are: the pool table at `data`, a row every `stride` floats.
 */
export function weighted_gather(
  data: usize,
  stride: i32,
  rows: usize,
  k: i32,
  count: i32,
  d: i32,
  w: usize,
  out: usize,
): void {
  const rowBytes = (<usize>d) << 2;
  const strideBytes = (<usize>stride) << 2;
  for (let i = 0; i < count; i++) {
    const o = out + <usize>i * rowBytes;
    const ids = rows + ((<usize>(i * k)) << 2);
    const weights = w + ((<usize>(i * k)) << 2);
    let c = 0;
    for (; c + 4 <= d; c += 4) {
      const at = (<usize>c) << 2;
      let sum = f32x4.splat(0);
      for (let j = 0; j < k; j++) {
        const row = data + <usize>load<i32>(ids + ((<usize>j) << 2)) * strideBytes;
        const weight = f32x4.splat(load<f32>(weights + ((<usize>j) << 2)));
        sum = f32x4.add(sum, f32x4.mul(weight, v128.load(row + at)));
      }
      v128.store(o + at, sum);
    }
    for (; c < d; c++) {
      const at = (<usize>c) << 2;
      let sum: f32 = 0;
      for (let j = 0; j < k; j++) {
        const row = data + <usize>load<i32>(ids + ((<usize>j) << 2)) * strideBytes;
        sum += load<f32>(weights + ((<usize>j) << 2)) * load<f32>(row + at);
      }
      store<f32>(o + at, sum);
    }
  }
}

/**
 * The gradients of {@link weighted_gather} from dOut [count, d], with the component rows read where they are (before
 * their update): dComp[i k + j] = w[i, j] dOut[i] ([count k, d]) and dW[i, j] = dot(dOut[i], row(rows[i k + j]))
 * ([count, k]).
 */
export function weighted_backward(
  data: usize,
  stride: i32,
  rows: usize,
  w: usize,
  dOut: usize,
  k: i32,
  count: i32,
  d: i32,
  dComp: usize,
  dW: usize,
): void {
  const rowBytes = (<usize>d) << 2;
  const strideBytes = (<usize>stride) << 2;
  for (let i = 0; i < count; i++) {
    const g = dOut + <usize>i * rowBytes;
    for (let j = 0; j < k; j++) {
      const part = <usize>(i * k + j);
      const weight: f32 = load<f32>(w + (part << 2));
      const splat = f32x4.splat(weight);
      const component = data + <usize>load<i32>(rows + (part << 2)) * strideBytes;
      const out = dComp + part * rowBytes;
      let dot = f32x4.splat(0);
      let c = 0;
      for (; c + 4 <= d; c += 4) {
        const at = (<usize>c) << 2;
        const grad = v128.load(g + at);
        v128.store(out + at, f32x4.mul(splat, grad));
        dot = f32x4.add(dot, f32x4.mul(grad, v128.load(component + at)));
      }
      let sum: f32 =
        f32x4.extract_lane(dot, 0) + f32x4.extract_lane(dot, 1) + f32x4.extract_lane(dot, 2) + f32x4.extract_lane(dot, 3);
      for (; c < d; c++) {
        const at = (<usize>c) << 2;
        const grad = load<f32>(g + at);
        store<f32>(out + at, weight * grad);
        sum += grad * load<f32>(component + at);
      }
      store<f32>(dW + (part << 2), sum);
    }
  }
}

/**
 * Splits a weighted strategy's rows ([count, k + 1]: k component rows, then the weight row offset by `first`, the
 * pool's rows) into components [count k] and weight rows [count] counted from 0.
 */
export function weighted_split(entries: usize, k: i32, count: i32, first: i32, components: usize, weightRows: usize): void {
  let from = entries;
  let to = components;
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < k; j++) {
      store<i32>(to, load<i32>(from));
      from += 4;
      to += 4;
    }
    store<i32>(weightRows + ((<usize>i) << 2), load<i32>(from) - first);
    from += 4;
  }
}
