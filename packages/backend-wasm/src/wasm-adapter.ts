import type {
  DeviceInfo,
  FactorizationTrainerSpec,
  HostTable,
  SequenceTrainerSpec,
  TableGroup,
  TableOptions,
  TrainerKind,
  TrainerKinds,
} from '@bloom/core';
import { TypedArrayAdapter } from '@bloom/embeddings';
import { KernelArena } from './kernels/kernel-arena.js';
import { WasmSequenceTrainer } from './sequence/wasm-sequence-trainer.js';
import { createWasmTable } from './tables/create-wasm-table.js';
import { WasmFactorizationTrainer } from './wasm-factorization-trainer.js';

/**
 * The wasm adapter: tables in WebAssembly memory with SIMD row kernels ({@link createWasmTable}), a table group's
 * tables in one memory, and the fused trainers that run a model's whole minibatch there: factorization
 * ({@link WasmFactorizationTrainer}) and sequence networks ({@link WasmSequenceTrainer}).
 */
export class WasmAdapter extends TypedArrayAdapter {
  /** One arena per table group, so that a model's fused step runs on all its tables in place. */
  readonly #arenas = new WeakMap<TableGroup, KernelArena>();

  constructor(name: string, tfBackend: string, device: Omit<DeviceInfo, 'backend'>) {
    super(name, tfBackend, device);
  }

  override createTable(options: TableOptions, init?: Float32Array): HostTable {
    return createWasmTable(options, init, this.#arenaOf(options.group));
  }

  /** The in-place factorization or sequence trainer where the spec's tables share an arena, or why not. */
  createTrainer<K extends TrainerKind>(
    kind: K,
    spec: TrainerKinds[K]['spec'],
  ): TrainerKinds[K]['trainer'] | string {
    if (kind === 'factorization') return WasmFactorizationTrainer.create(spec as FactorizationTrainerSpec);
    if (kind === 'sequence') return WasmSequenceTrainer.create(spec as SequenceTrainerSpec);
    return `the ${this.name} backend has no fused ${kind} trainer`;
  }

  #arenaOf(group: TableGroup | undefined): KernelArena | undefined {
    if (group === undefined) return undefined;
    let arena = this.#arenas.get(group);
    if (arena === undefined) {
      arena = KernelArena.create() ?? undefined;
      if (arena !== undefined) this.#arenas.set(group, arena);
    }
    return arena;
  }
}
