/** Why a weighted strategy (hash embeddings) trains on the host loop: the fused kernels only sum or average rows. */
export function weightedReason(side: string, strategy: string): string {
  return `the ${side} strategy (${strategy}) weights its rows by trained importance weights, which the fused kernels do not have`;
}
