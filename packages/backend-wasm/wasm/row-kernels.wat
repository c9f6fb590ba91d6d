;; Row kernels for @bloom/embeddings' WebAssembly tables and the fused factorization step: gather-and-combine,
;; duplicate-row gradient sums, the row optimizers (SGD, Adagrad, Adam) and the bilinear score and its gradient.
;; Four float32 lanes per SIMD step, with a scalar tail for widths that are not a multiple of 4 (biases have
;; d = 1). Every pointer is a byte offset into the imported memory; widths and strides are in floats. The memory
;; is imported so that each table (and each model's scratch) can own one, sized to it.
;; The same arithmetic as the TypeScript loops in src/optimizers, in float32 instead of float64.
;; Built by tools/build-wasm.mjs into src/kernels/row-kernels-bytes.ts.
(module
  ;; Shared, so that worker threads can run kernels on the same tables (the sequence trainer's replicas).
  (import "env" "memory" (memory 1 65536 shared))

  ;; Loads one float per 64-byte line of the n rows listed at $rows (width bytes of each, rows $sb bytes apart)
  ;; and returns their sum, which callers drop. The loads are independent, so their cache misses overlap: a row
  ;; updated straight from memory otherwise waits for its misses one row at a time, which made the step 3-4x
  ;; slower than in cache (measured on the ML-100K step). Callers touch a block of rows before working on it.
  (func $touch (param $data i32) (param $sb i32) (param $rows i32) (param $n i32) (param $width i32) (result f32)
    (local $i i32) (local $at i32) (local $end i32) (local $acc f32)
    (block $done (loop $rows_loop
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $at (i32.add (local.get $data)
        (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))) (local.get $sb))))
      (local.set $end (i32.add (local.get $at) (local.get $width)))
      (block $ldone (loop $lines
        (br_if $ldone (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $acc (f32.add (local.get $acc) (f32.load (local.get $at))))
        (local.set $at (i32.add (local.get $at) (i32.const 64)))
        (br $lines)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows_loop)))
    (local.get $acc))

  ;; min(block, n - i): the rows left in the block starting at i
  (func $block (param $i i32) (param $n i32) (result i32)
    (select (i32.const 32) (i32.sub (local.get $n) (local.get $i))
      (i32.lt_u (i32.const 32) (i32.sub (local.get $n) (local.get $i)))))

  ;; out[b] = scale * sum_j data[rows[b k + j]], rows of d floats at stride floats apart
  (func (export "gather") (param $data i32) (param $stride i32) (param $rows i32) (param $k i32) (param $batch i32)
    (param $d i32) (param $scale f32) (param $out i32)
    (local $b i32) (local $j i32) (local $c i32) (local $dv i32) (local $sb i32) (local $ids i32) (local $o i32)
    (local $at i32) (local $sum v128) (local $s f32) (local $vscale v128)
    (local.set $dv (i32.and (local.get $d) (i32.const -4)))
    (local.set $sb (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $vscale (f32x4.splat (local.get $scale)))
    (block $done (loop $batch_loop
      (br_if $done (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $ids (i32.add (local.get $rows) (i32.shl (i32.mul (local.get $b) (local.get $k)) (i32.const 2))))
      (local.set $o (i32.add (local.get $out) (i32.shl (i32.mul (local.get $b) (local.get $d)) (i32.const 2))))
      (if (i32.eqz (i32.and (local.get $b) (i32.const 31)))
        (then (drop (call $touch (local.get $data) (local.get $sb) (local.get $ids)
          (i32.mul (call $block (local.get $b) (local.get $batch)) (local.get $k)) (i32.shl (local.get $d) (i32.const 2))))))
      (local.set $c (i32.const 0))
      (block $vdone (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $c) (local.get $dv)))
        (local.set $sum (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $jdone (loop $jloop
          (br_if $jdone (i32.ge_u (local.get $j) (local.get $k)))
          (local.set $at (i32.add (i32.add (local.get $data)
            (i32.mul (i32.load (i32.add (local.get $ids) (i32.shl (local.get $j) (i32.const 2)))) (local.get $sb)))
            (i32.shl (local.get $c) (i32.const 2))))
          (local.set $sum (f32x4.add (local.get $sum) (v128.load (local.get $at))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $jloop)))
        (v128.store (i32.add (local.get $o) (i32.shl (local.get $c) (i32.const 2)))
          (f32x4.mul (local.get $sum) (local.get $vscale)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $vloop)))
      (block $sdone (loop $sloop
        (br_if $sdone (i32.ge_u (local.get $c) (local.get $d)))
        (local.set $s (f32.const 0))
        (local.set $j (i32.const 0))
        (block $jdone2 (loop $jloop2
          (br_if $jdone2 (i32.ge_u (local.get $j) (local.get $k)))
          (local.set $at (i32.add (i32.add (local.get $data)
            (i32.mul (i32.load (i32.add (local.get $ids) (i32.shl (local.get $j) (i32.const 2)))) (local.get $sb)))
            (i32.shl (local.get $c) (i32.const 2))))
          (local.set $s (f32.add (local.get $s) (f32.load (local.get $at))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $jloop2)))
        (f32.store (i32.add (local.get $o) (i32.shl (local.get $c) (i32.const 2)))
          (f32.mul (local.get $s) (local.get $scale)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $sloop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batch_loop))))

;; out[b] = scale * sum_j dot(data[rows[b k + j]], v): each id's combined vector scored against one vector (a
  ;; user's, to rank a whole catalogue) in one pass over its rows, without writing the vectors out. Rows as in gather,
  ;; but no touching ahead: a catalogue is scanned in row order, which the hardware prefetches by itself (touching
  ;; cost a third of the scan).
  (func (export "gather_dot") (param $data i32) (param $stride i32) (param $rows i32) (param $k i32) (param $batch i32)
    (param $d i32) (param $scale f32) (param $v i32) (param $out i32)
    (local $b i32) (local $j i32) (local $sb i32) (local $ids i32) (local $s f32)
    (local.set $sb (i32.shl (local.get $stride) (i32.const 2)))
    (block $done (loop $batch_loop
      (br_if $done (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $ids (i32.add (local.get $rows) (i32.shl (i32.mul (local.get $b) (local.get $k)) (i32.const 2))))
      (local.set $s (f32.const 0))
      (local.set $j (i32.const 0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $j) (local.get $k)))
        (local.set $s (f32.add (local.get $s)
          (call $dot
            (i32.add (local.get $data)
              (i32.mul (i32.load (i32.add (local.get $ids) (i32.shl (local.get $j) (i32.const 2)))) (local.get $sb)))
            (local.get $v) (local.get $d))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $b) (i32.const 2)))
        (f32.mul (local.get $s) (local.get $scale)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batch_loop))))

    ;; y += alpha x over n floats
  (func $axpy (param $y i32) (param $x i32) (param $alpha f32) (param $n i32)
    (local $c i32) (local $nv i32) (local $va v128) (local $at i32)
    (local.set $nv (i32.and (local.get $n) (i32.const -4)))
    (local.set $va (f32x4.splat (local.get $alpha)))
    (block $vdone (loop $vloop
      (br_if $vdone (i32.ge_u (local.get $c) (local.get $nv)))
      (local.set $at (i32.shl (local.get $c) (i32.const 2)))
      (v128.store (i32.add (local.get $y) (local.get $at))
        (f32x4.add (v128.load (i32.add (local.get $y) (local.get $at)))
          (f32x4.mul (local.get $va) (v128.load (i32.add (local.get $x) (local.get $at))))))
      (local.set $c (i32.add (local.get $c) (i32.const 4)))
      (br $vloop)))
    (block $sdone (loop $sloop
      (br_if $sdone (i32.ge_u (local.get $c) (local.get $n)))
      (local.set $at (i32.shl (local.get $c) (i32.const 2)))
      (f32.store (i32.add (local.get $y) (local.get $at))
        (f32.add (f32.load (i32.add (local.get $y) (local.get $at)))
          (f32.mul (local.get $alpha) (f32.load (i32.add (local.get $x) (local.get $at))))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $sloop))))

  ;; y = alpha x over n floats
  (func $scale_into (param $y i32) (param $x i32) (param $alpha f32) (param $n i32)
    (local $c i32) (local $nv i32) (local $va v128) (local $at i32)
    (local.set $nv (i32.and (local.get $n) (i32.const -4)))
    (local.set $va (f32x4.splat (local.get $alpha)))
    (block $vdone (loop $vloop
      (br_if $vdone (i32.ge_u (local.get $c) (local.get $nv)))
      (local.set $at (i32.shl (local.get $c) (i32.const 2)))
      (v128.store (i32.add (local.get $y) (local.get $at))
        (f32x4.mul (local.get $va) (v128.load (i32.add (local.get $x) (local.get $at)))))
      (local.set $c (i32.add (local.get $c) (i32.const 4)))
      (br $vloop)))
    (block $sdone (loop $sloop
      (br_if $sdone (i32.ge_u (local.get $c) (local.get $n)))
      (local.set $at (i32.shl (local.get $c) (i32.const 2)))
      (f32.store (i32.add (local.get $y) (local.get $at))
        (f32.mul (local.get $alpha) (f32.load (i32.add (local.get $x) (local.get $at)))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $sloop))))

  ;; dot product of n floats
  (func $dot (param $x i32) (param $y i32) (param $n i32) (result f32)
    (local $c i32) (local $nv i32) (local $acc v128) (local $s f32) (local $at i32)
    (local.set $nv (i32.and (local.get $n) (i32.const -4)))
    (block $vdone (loop $vloop
      (br_if $vdone (i32.ge_u (local.get $c) (local.get $nv)))
      (local.set $at (i32.shl (local.get $c) (i32.const 2)))
      (local.set $acc (f32x4.add (local.get $acc)
        (f32x4.mul (v128.load (i32.add (local.get $x) (local.get $at))) (v128.load (i32.add (local.get $y) (local.get $at))))))
      (local.set $c (i32.add (local.get $c) (i32.const 4)))
      (br $vloop)))
    (local.set $s (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
    (block $sdone (loop $sloop
      (br_if $sdone (i32.ge_u (local.get $c) (local.get $n)))
      (local.set $at (i32.shl (local.get $c) (i32.const 2)))
      (local.set $s (f32.add (local.get $s)
        (f32.mul (f32.load (i32.add (local.get $x) (local.get $at))) (f32.load (i32.add (local.get $y) (local.get $at))))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $sloop)))
    (local.get $s))

  ;; The index of the first of the n int32 rows at $rows outside [0, $limit), or -1: four rows per step, one
  ;; unsigned compare each (a negative row is a huge unsigned one). Tables call it before any kernel reads a row.
  (func (export "first_out_of_range") (param $rows i32) (param $n i32) (param $limit i32) (result i32)
    (local $i i32) (local $nv i32) (local $vlimit v128)
    (local.set $nv (i32.and (local.get $n) (i32.const -4)))
    (local.set $vlimit (i32x4.splat (local.get $limit)))
    (block $vdone (loop $vloop
      (br_if $vdone (i32.ge_u (local.get $i) (local.get $nv)))
      (br_if $vdone (v128.any_true (i32x4.ge_u
        (v128.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))) (local.get $vlimit))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $vloop)))
    (block $sdone (loop $sloop
      (br_if $sdone (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.ge_u (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))) (local.get $limit))
        (then (return (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $sloop)))
    (i32.const -1))

  ;; Numbers the distinct rows among the n listed at $rows 0, 1, ... in first-seen order, through a direct map of
  ;; the table ($map: an i32 per table row, 0 for unseen, else slot + 1, so that fresh memory is an empty map).
  ;; Writes slots[i] (the slot of rows[i], or -1 for the frozen row) and unique[slot] = row; returns the count.
  ;; clear_slots empties the map again, touching only the rows seen.
  (func (export "assign_slots") (param $rows i32) (param $n i32) (param $frozen i32) (param $map i32) (param $slots i32)
    (param $unique i32) (result i32)
    (local $i i32) (local $row i32) (local $at i32) (local $s i32) (local $count i32)
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $row (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
      (if (i32.eq (local.get $row) (local.get $frozen))
        (then (local.set $s (i32.const 0)))
        (else
          (local.set $at (i32.add (local.get $map) (i32.shl (local.get $row) (i32.const 2))))
          (local.set $s (i32.load (local.get $at)))
          (if (i32.eqz (local.get $s)) (then
            (i32.store (i32.add (local.get $unique) (i32.shl (local.get $count) (i32.const 2))) (local.get $row))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (local.set $s (local.get $count))
            (i32.store (local.get $at) (local.get $s))))))
      (i32.store (i32.add (local.get $slots) (i32.shl (local.get $i) (i32.const 2))) (i32.sub (local.get $s) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $loop)))
    (local.get $count))

  (func (export "clear_slots") (param $map i32) (param $unique i32) (param $count i32)
    (local $i i32)
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
      (i32.store (i32.add (local.get $map)
        (i32.shl (i32.load (i32.add (local.get $unique) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 2)))
        (i32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $loop))))

  ;; Sums the gradients ([batch, d]) of duplicate rows into summed ([count, d]): entry b k + j of slots names the
  ;; slot of row j of example b, or -1 to skip it (a frozen row). Then scales the sums by share (1/k for mean).
  (func (export "scatter_sum") (param $grads i32) (param $slots i32) (param $batch i32) (param $k i32) (param $d i32)
    (param $summed i32) (param $count i32) (param $share f32)
    (local $b i32) (local $j i32) (local $slot i32) (local $g i32) (local $db i32) (local $i i32)
    (local.set $db (i32.shl (local.get $d) (i32.const 2)))
    (memory.fill (local.get $summed) (i32.const 0) (i32.mul (local.get $count) (local.get $db)))
    (block $done (loop $batch_loop
      (br_if $done (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $g (i32.add (local.get $grads) (i32.mul (local.get $b) (local.get $db))))
      (local.set $j (i32.const 0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $j) (local.get $k)))
        (local.set $slot (i32.load (i32.add (local.get $slots)
          (i32.shl (i32.add (i32.mul (local.get $b) (local.get $k)) (local.get $j)) (i32.const 2)))))
        (if (i32.ge_s (local.get $slot) (i32.const 0))
          (then (call $axpy (i32.add (local.get $summed) (i32.mul (local.get $slot) (local.get $db)))
            (local.get $g) (f32.const 1) (local.get $d))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batch_loop)))
    (if (f32.ne (local.get $share) (f32.const 1))
      (then (call $scale_into (local.get $summed) (local.get $summed) (local.get $share)
        (i32.mul (local.get $count) (local.get $d))))))

  ;; SGD with L2 weight decay over the n rows listed at $rows (gradients [n, d]): w -= lr (g + wd w)
  (func (export "sgd") (param $data i32) (param $stride i32) (param $rows i32) (param $n i32) (param $grads i32)
    (param $d i32) (param $frozen i32) (param $lr f32) (param $wd f32)
    (local $i i32) (local $row i32) (local $w i32) (local $g i32) (local $c i32) (local $dv i32) (local $at i32)
    (local $grad v128) (local $sg f32)
    (local.set $dv (i32.and (local.get $d) (i32.const -4)))
    (block $done (loop $rows_loop
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.eqz (i32.and (local.get $i) (i32.const 31)))
        (then (drop (call $touch (local.get $data) (i32.shl (local.get $stride) (i32.const 2))
          (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2))) (call $block (local.get $i) (local.get $n))
          (i32.shl (local.get $stride) (i32.const 2))))))
      (local.set $row (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
      (if (i32.ne (local.get $row) (local.get $frozen)) (then
        (local.set $w (i32.add (local.get $data) (i32.shl (i32.mul (local.get $row) (local.get $stride)) (i32.const 2))))
        (local.set $g (i32.add (local.get $grads) (i32.shl (i32.mul (local.get $i) (local.get $d)) (i32.const 2))))
        (local.set $c (i32.const 0))
        (block $vdone (loop $vloop
          (br_if $vdone (i32.ge_u (local.get $c) (local.get $dv)))
          (local.set $at (i32.shl (local.get $c) (i32.const 2)))
          (local.set $grad (f32x4.add (v128.load (i32.add (local.get $g) (local.get $at)))
            (f32x4.mul (f32x4.splat (local.get $wd)) (v128.load (i32.add (local.get $w) (local.get $at))))))
          (v128.store (i32.add (local.get $w) (local.get $at))
            (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $at)))
              (f32x4.mul (f32x4.splat (local.get $lr)) (local.get $grad))))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br $vloop)))
        (block $sdone (loop $sloop
          (br_if $sdone (i32.ge_u (local.get $c) (local.get $d)))
          (local.set $at (i32.shl (local.get $c) (i32.const 2)))
          (local.set $sg (f32.add (f32.load (i32.add (local.get $g) (local.get $at)))
            (f32.mul (local.get $wd) (f32.load (i32.add (local.get $w) (local.get $at))))))
          (f32.store (i32.add (local.get $w) (local.get $at))
            (f32.sub (f32.load (i32.add (local.get $w) (local.get $at))) (f32.mul (local.get $lr) (local.get $sg))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $sloop)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows_loop))))

  ;; Adagrad (state G beside each row's weights): G += g^2; w -= lr g / (sqrt(G) + eps)
  (func (export "adagrad") (param $data i32) (param $stride i32) (param $rows i32) (param $n i32) (param $grads i32)
    (param $d i32) (param $frozen i32) (param $lr f32) (param $eps f32) (param $wd f32)
    (local $i i32) (local $row i32) (local $w i32) (local $a i32) (local $g i32) (local $c i32) (local $dv i32)
    (local $at i32) (local $grad v128) (local $sum v128) (local $sg f32) (local $ss f32)
    (local.set $dv (i32.and (local.get $d) (i32.const -4)))
    (block $done (loop $rows_loop
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.eqz (i32.and (local.get $i) (i32.const 31)))
        (then (drop (call $touch (local.get $data) (i32.shl (local.get $stride) (i32.const 2))
          (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2))) (call $block (local.get $i) (local.get $n))
          (i32.shl (local.get $stride) (i32.const 2))))))
      (local.set $row (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
      (if (i32.ne (local.get $row) (local.get $frozen)) (then
        (local.set $w (i32.add (local.get $data) (i32.shl (i32.mul (local.get $row) (local.get $stride)) (i32.const 2))))
        (local.set $a (i32.add (local.get $w) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $g (i32.add (local.get $grads) (i32.shl (i32.mul (local.get $i) (local.get $d)) (i32.const 2))))
        (local.set $c (i32.const 0))
        (block $vdone (loop $vloop
          (br_if $vdone (i32.ge_u (local.get $c) (local.get $dv)))
          (local.set $at (i32.shl (local.get $c) (i32.const 2)))
          (local.set $grad (f32x4.add (v128.load (i32.add (local.get $g) (local.get $at)))
            (f32x4.mul (f32x4.splat (local.get $wd)) (v128.load (i32.add (local.get $w) (local.get $at))))))
          (local.set $sum (f32x4.add (v128.load (i32.add (local.get $a) (local.get $at)))
            (f32x4.mul (local.get $grad) (local.get $grad))))
          (v128.store (i32.add (local.get $a) (local.get $at)) (local.get $sum))
          (v128.store (i32.add (local.get $w) (local.get $at))
            (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $at)))
              (f32x4.div (f32x4.mul (f32x4.splat (local.get $lr)) (local.get $grad))
                (f32x4.add (f32x4.sqrt (local.get $sum)) (f32x4.splat (local.get $eps))))))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br $vloop)))
        (block $sdone (loop $sloop
          (br_if $sdone (i32.ge_u (local.get $c) (local.get $d)))
          (local.set $at (i32.shl (local.get $c) (i32.const 2)))
          (local.set $sg (f32.add (f32.load (i32.add (local.get $g) (local.get $at)))
            (f32.mul (local.get $wd) (f32.load (i32.add (local.get $w) (local.get $at))))))
          (local.set $ss (f32.add (f32.load (i32.add (local.get $a) (local.get $at)))
            (f32.mul (local.get $sg) (local.get $sg))))
          (f32.store (i32.add (local.get $a) (local.get $at)) (local.get $ss))
          (f32.store (i32.add (local.get $w) (local.get $at))
            (f32.sub (f32.load (i32.add (local.get $w) (local.get $at)))
              (f32.div (f32.mul (local.get $lr) (local.get $sg)) (f32.add (f32.sqrt (local.get $ss)) (local.get $eps)))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $sloop)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows_loop))))

  ;; Adam (state m, v beside each row's weights), bias corrections folded into $step_size and $inv_sqrt_c2:
  ;; m = b1 m + a1 g; v = b2 v + a2 g^2; w -= step_size m / (sqrt(v) inv_sqrt_c2 + eps), with a1 = 1 - b1 etc.
  (func (export "adam") (param $data i32) (param $stride i32) (param $rows i32) (param $n i32) (param $grads i32)
    (param $d i32) (param $frozen i32) (param $b1 f32) (param $a1 f32) (param $b2 f32) (param $a2 f32)
    (param $eps f32) (param $step_size f32) (param $inv_sqrt_c2 f32) (param $wd f32)
    (local $i i32) (local $row i32) (local $w i32) (local $m i32) (local $v i32) (local $g i32) (local $c i32)
    (local $dv i32) (local $at i32) (local $grad v128) (local $mi v128) (local $vi v128)
    (local $sg f32) (local $sm f32) (local $sv f32)
    (local.set $dv (i32.and (local.get $d) (i32.const -4)))
    (block $done (loop $rows_loop
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.eqz (i32.and (local.get $i) (i32.const 31)))
        (then (drop (call $touch (local.get $data) (i32.shl (local.get $stride) (i32.const 2))
          (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2))) (call $block (local.get $i) (local.get $n))
          (i32.shl (local.get $stride) (i32.const 2))))))
      (local.set $row (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
      (if (i32.ne (local.get $row) (local.get $frozen)) (then
        (local.set $w (i32.add (local.get $data) (i32.shl (i32.mul (local.get $row) (local.get $stride)) (i32.const 2))))
        (local.set $m (i32.add (local.get $w) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $v (i32.add (local.get $m) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $g (i32.add (local.get $grads) (i32.shl (i32.mul (local.get $i) (local.get $d)) (i32.const 2))))
        (local.set $c (i32.const 0))
        (block $vdone (loop $vloop
          (br_if $vdone (i32.ge_u (local.get $c) (local.get $dv)))
          (local.set $at (i32.shl (local.get $c) (i32.const 2)))
          (local.set $grad (f32x4.add (v128.load (i32.add (local.get $g) (local.get $at)))
            (f32x4.mul (f32x4.splat (local.get $wd)) (v128.load (i32.add (local.get $w) (local.get $at))))))
          (local.set $mi (f32x4.add (f32x4.mul (f32x4.splat (local.get $b1)) (v128.load (i32.add (local.get $m) (local.get $at))))
            (f32x4.mul (f32x4.splat (local.get $a1)) (local.get $grad))))
          (local.set $vi (f32x4.add (f32x4.mul (f32x4.splat (local.get $b2)) (v128.load (i32.add (local.get $v) (local.get $at))))
            (f32x4.mul (f32x4.splat (local.get $a2)) (f32x4.mul (local.get $grad) (local.get $grad)))))
          (v128.store (i32.add (local.get $m) (local.get $at)) (local.get $mi))
          (v128.store (i32.add (local.get $v) (local.get $at)) (local.get $vi))
          (v128.store (i32.add (local.get $w) (local.get $at))
            (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $at)))
              (f32x4.div (f32x4.mul (f32x4.splat (local.get $step_size)) (local.get $mi))
                (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $vi)) (f32x4.splat (local.get $inv_sqrt_c2)))
                  (f32x4.splat (local.get $eps))))))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br $vloop)))
        (block $sdone (loop $sloop
          (br_if $sdone (i32.ge_u (local.get $c) (local.get $d)))
          (local.set $at (i32.shl (local.get $c) (i32.const 2)))
          (local.set $sg (f32.add (f32.load (i32.add (local.get $g) (local.get $at)))
            (f32.mul (local.get $wd) (f32.load (i32.add (local.get $w) (local.get $at))))))
          (local.set $sm (f32.add (f32.mul (local.get $b1) (f32.load (i32.add (local.get $m) (local.get $at))))
            (f32.mul (local.get $a1) (local.get $sg))))
          (local.set $sv (f32.add (f32.mul (local.get $b2) (f32.load (i32.add (local.get $v) (local.get $at))))
            (f32.mul (local.get $a2) (f32.mul (local.get $sg) (local.get $sg)))))
          (f32.store (i32.add (local.get $m) (local.get $at)) (local.get $sm))
          (f32.store (i32.add (local.get $v) (local.get $at)) (local.get $sv))
          (f32.store (i32.add (local.get $w) (local.get $at))
            (f32.sub (f32.load (i32.add (local.get $w) (local.get $at)))
              (f32.div (f32.mul (local.get $step_size) (local.get $sm))
                (f32.add (f32.mul (f32.sqrt (local.get $sv)) (local.get $inv_sqrt_c2)) (local.get $eps)))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $sloop)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows_loop))))

  ;; Bilinear scores with n negatives per positive: u [b, d], positives p [b, d] and negatives q [b n, d] (those of
  ;; example i at i n + j), biases bu [b], bp [b] and bq [b n]. pos[i] = u_i . p_i + bu_i + bp_i and
  ;; neg[i n + j] = u_i . q_ij + bu_i + bq_ij. Separate positive and negative pointers let a thread score a range of
  ;; examples of a batch whose negatives follow all of its positives.
  (func (export "bilinear_scores") (param $u i32) (param $p i32) (param $q i32) (param $bu i32) (param $bp i32)
    (param $bq i32) (param $b i32) (param $n i32) (param $d i32) (param $pos i32) (param $neg i32)
    (local $i i32) (local $j i32) (local $k i32) (local $db i32) (local $ui i32) (local $bias f32)
    (local.set $db (i32.shl (local.get $d) (i32.const 2)))
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $i) (local.get $b)))
      (local.set $ui (i32.add (local.get $u) (i32.mul (local.get $i) (local.get $db))))
      (local.set $bias (f32.load (i32.add (local.get $bu) (i32.shl (local.get $i) (i32.const 2)))))
      (f32.store (i32.add (local.get $pos) (i32.shl (local.get $i) (i32.const 2)))
        (f32.add (call $dot (local.get $ui) (i32.add (local.get $p) (i32.mul (local.get $i) (local.get $db))) (local.get $d))
          (f32.add (local.get $bias) (f32.load (i32.add (local.get $bp) (i32.shl (local.get $i) (i32.const 2)))))))
      (local.set $j (i32.const 0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $k (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)))
        (f32.store (i32.add (local.get $neg) (i32.shl (local.get $k) (i32.const 2)))
          (f32.add (call $dot (local.get $ui) (i32.add (local.get $q) (i32.mul (local.get $k) (local.get $db))) (local.get $d))
            (f32.add (local.get $bias) (f32.load (i32.add (local.get $bq) (i32.shl (local.get $k) (i32.const 2)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $loop))))

  ;; The gradients of bilinear_scores' dot products given dL/dpos [b] and dL/dneg [b n]:
  ;; du_i = dpos_i p_i + sum_j dneg_ij q_ij; dp_i = dpos_i u_i; dq_ij = dneg_ij u_i. Overwrites du and ditems.
  (func (export "bilinear_backward") (param $u i32) (param $items i32) (param $dpos i32) (param $dneg i32) (param $b i32)
    (param $n i32) (param $d i32) (param $du i32) (param $ditems i32)
    (local $i i32) (local $j i32) (local $k i32) (local $db i32) (local $ui i32) (local $dui i32) (local $g f32)
    (local.set $db (i32.shl (local.get $d) (i32.const 2)))
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $i) (local.get $b)))
      (local.set $ui (i32.add (local.get $u) (i32.mul (local.get $i) (local.get $db))))
      (local.set $dui (i32.add (local.get $du) (i32.mul (local.get $i) (local.get $db))))
      (local.set $g (f32.load (i32.add (local.get $dpos) (i32.shl (local.get $i) (i32.const 2)))))
      (call $scale_into (local.get $dui) (i32.add (local.get $items) (i32.mul (local.get $i) (local.get $db)))
        (local.get $g) (local.get $d))
      (call $scale_into (i32.add (local.get $ditems) (i32.mul (local.get $i) (local.get $db))) (local.get $ui)
        (local.get $g) (local.get $d))
      (local.set $j (i32.const 0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $k (i32.add (local.get $b) (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j))))
        (local.set $g (f32.load (i32.add (local.get $dneg) (i32.shl (i32.sub (local.get $k) (local.get $b)) (i32.const 2)))))
        (call $axpy (local.get $dui) (i32.add (local.get $items) (i32.mul (local.get $k) (local.get $db)))
          (local.get $g) (local.get $d))
        (call $scale_into (i32.add (local.get $ditems) (i32.mul (local.get $k) (local.get $db))) (local.get $ui)
          (local.get $g) (local.get $d))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $loop))))
  ;; assign_slots for tables too large for a direct map: an open-addressing hash table of $keys and $vals (2^(32 -
  ;; $shift) int32 each, emptied here) sized to the batch, probing from the multiplicative hash of the row, as
  ;; RowSlots does in TypeScript. Same outputs and first-seen order as assign_slots.
  (func (export "assign_slots_hashed") (param $rows i32) (param $n i32) (param $frozen i32) (param $keys i32)
    (param $vals i32) (param $shift i32) (param $slots i32) (param $unique i32) (result i32)
    (local $i i32) (local $row i32) (local $at i32) (local $key i32) (local $s i32) (local $count i32) (local $mask i32)
    (local.set $mask (i32.shr_u (i32.const -1) (local.get $shift)))
    (memory.fill (local.get $keys) (i32.const 255) (i32.shl (i32.add (local.get $mask) (i32.const 1)) (i32.const 2)))
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $row (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $s (i32.const -1))
      (if (i32.ne (local.get $row) (local.get $frozen)) (then
        (local.set $at (i32.shr_u (i32.mul (local.get $row) (i32.const 0x9e3779b1)) (local.get $shift)))
        (block $found (loop $probe
          (local.set $key (i32.load (i32.add (local.get $keys) (i32.shl (local.get $at) (i32.const 2)))))
          (if (i32.eq (local.get $key) (local.get $row)) (then
            (local.set $s (i32.load (i32.add (local.get $vals) (i32.shl (local.get $at) (i32.const 2)))))
            (br $found)))
          (if (i32.eq (local.get $key) (i32.const -1)) (then
            (i32.store (i32.add (local.get $keys) (i32.shl (local.get $at) (i32.const 2))) (local.get $row))
            (i32.store (i32.add (local.get $vals) (i32.shl (local.get $at) (i32.const 2))) (local.get $count))
            (i32.store (i32.add (local.get $unique) (i32.shl (local.get $count) (i32.const 2))) (local.get $row))
            (local.set $s (local.get $count))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (br $found)))
          (local.set $at (i32.and (i32.add (local.get $at) (i32.const 1)) (local.get $mask)))
          (br $probe)))))
      (i32.store (i32.add (local.get $slots) (i32.shl (local.get $i) (i32.const 2))) (local.get $s))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $loop)))
    (local.get $count))

  ;; y[slots[i k + r]] += alpha x for each of the k slots of entry i that is not -1 (rows of d floats, stride apart)
  (func $scatter_row (param $summed i32) (param $slots i32) (param $i i32) (param $k i32) (param $x i32)
    (param $alpha f32) (param $d i32) (param $stride i32)
    (local $r i32) (local $slot i32)
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $r) (local.get $k)))
      (local.set $slot (i32.load (i32.add (local.get $slots)
        (i32.shl (i32.add (i32.mul (local.get $i) (local.get $k)) (local.get $r)) (i32.const 2)))))
      (if (i32.ge_s (local.get $slot) (i32.const 0))
        (then (call $axpy (i32.add (local.get $summed) (i32.shl (i32.mul (local.get $slot) (local.get $stride)) (i32.const 2)))
          (local.get $x) (local.get $alpha) (local.get $d))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $loop))))

  ;; Zeroes (scale 0) or scales d floats of each of count rows, stride floats apart.
  (func $scale_rows (param $at i32) (param $count i32) (param $d i32) (param $stride i32) (param $scale f32)
    (local $r i32)
    (if (i32.eq (local.get $d) (local.get $stride)) (then
      (if (f32.eq (local.get $scale) (f32.const 0))
        (then (memory.fill (local.get $at) (i32.const 0) (i32.shl (i32.mul (local.get $count) (local.get $d)) (i32.const 2))))
        (else (call $scale_into (local.get $at) (local.get $at) (local.get $scale) (i32.mul (local.get $count) (local.get $d)))))
      (return)))
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $r) (local.get $count)))
      (if (f32.eq (local.get $scale) (f32.const 0))
        (then (memory.fill (local.get $at) (i32.const 0) (i32.shl (local.get $d) (i32.const 2))))
        (else (call $scale_into (local.get $at) (local.get $at) (local.get $scale) (local.get $d))))
      (local.set $at (i32.add (local.get $at) (i32.shl (local.get $stride) (i32.const 2))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $loop))))

  ;; bilinear_backward and scatter_sum of the user and item tables in one pass, without the [b, d] and [m, d]
  ;; gradient buffers: the gradient of each looked-up vector goes straight into the summed rows of its slots
  ;; (slots as assign_slots writes them, k per id; summed [count, stride], zeroed here, then scaled by share). Adds
  ;; in the order the two kernels do (users by example; items positives first, then negatives), so the sums are the
  ;; same floats. It works on d columns of rows $stride floats apart (u, items and both summed), so that threads can
  ;; each take a band of columns (pointers offset to the band, d its width); one thread passes stride = d. Every
  ;; column's sums are added in the same order whatever the bands. $tmp holds d floats.
  (func (export "bilinear_scatter") (param $u i32) (param $items i32) (param $dpos i32) (param $dneg i32) (param $b i32)
    (param $n i32) (param $d i32) (param $stride i32) (param $tmp i32)
    (param $slots_u i32) (param $ku i32) (param $summed_u i32) (param $count_u i32) (param $share_u f32)
    (param $slots_i i32) (param $ki i32) (param $summed_i i32) (param $count_i i32) (param $share_i f32)
    (local $i i32) (local $j i32) (local $k i32) (local $sb i32) (local $ui i32) (local $g f32)
    (local.set $sb (i32.shl (local.get $stride) (i32.const 2)))
    (call $scale_rows (local.get $summed_u) (local.get $count_u) (local.get $d) (local.get $stride) (f32.const 0))
    (call $scale_rows (local.get $summed_i) (local.get $count_i) (local.get $d) (local.get $stride) (f32.const 0))
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $i) (local.get $b)))
      (local.set $ui (i32.add (local.get $u) (i32.mul (local.get $i) (local.get $sb))))
      (local.set $g (f32.load (i32.add (local.get $dpos) (i32.shl (local.get $i) (i32.const 2)))))
      (call $scale_into (local.get $tmp) (i32.add (local.get $items) (i32.mul (local.get $i) (local.get $sb)))
        (local.get $g) (local.get $d))
      (local.set $j (i32.const 0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $k (i32.add (local.get $b) (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j))))
        (call $axpy (local.get $tmp) (i32.add (local.get $items) (i32.mul (local.get $k) (local.get $sb)))
          (f32.load (i32.add (local.get $dneg) (i32.shl (i32.sub (local.get $k) (local.get $b)) (i32.const 2))))
          (local.get $d))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop)))
      (call $scatter_row (local.get $summed_u) (local.get $slots_u) (local.get $i) (local.get $ku) (local.get $tmp)
        (f32.const 1) (local.get $d) (local.get $stride))
      (call $scatter_row (local.get $summed_i) (local.get $slots_i) (local.get $i) (local.get $ki) (local.get $ui)
        (local.get $g) (local.get $d) (local.get $stride))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $loop)))
    (local.set $k (local.get $b))
    (block $ndone (loop $nloop
      (br_if $ndone (i32.ge_u (local.get $k) (i32.add (local.get $b) (i32.mul (local.get $b) (local.get $n)))))
      (local.set $i (i32.div_u (i32.sub (local.get $k) (local.get $b)) (local.get $n)))
      (call $scatter_row (local.get $summed_i) (local.get $slots_i) (local.get $k) (local.get $ki)
        (i32.add (local.get $u) (i32.mul (local.get $i) (local.get $sb)))
        (f32.load (i32.add (local.get $dneg) (i32.shl (i32.sub (local.get $k) (local.get $b)) (i32.const 2))))
        (local.get $d) (local.get $stride))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $nloop)))
    (if (f32.ne (local.get $share_u) (f32.const 1))
      (then (call $scale_rows (local.get $summed_u) (local.get $count_u) (local.get $d) (local.get $stride)
        (local.get $share_u))))
    (if (f32.ne (local.get $share_i) (f32.const 1))
      (then (call $scale_rows (local.get $summed_i) (local.get $count_i) (local.get $d) (local.get $stride)
        (local.get $share_i)))))

  ;; The bias gradients of bilinear_scores summed per slot, as bilinear_scatter does for the vectors: a user
  ;; bias gets dpos_i + sum_j dneg_ij (added in float64 and rounded once, as the TypeScript step does), an item
  ;; bias its own score's gradient.
  (func (export "bias_scatter") (param $dpos i32) (param $dneg i32) (param $b i32) (param $n i32)
    (param $slots_u i32) (param $ku i32) (param $summed_u i32) (param $count_u i32) (param $share_u f32)
    (param $slots_i i32) (param $ki i32) (param $summed_i i32) (param $count_i i32) (param $share_i f32)
    (local $i i32) (local $j i32) (local $k i32) (local $sum f64) (local $g f32) (local $tmp i32)
    (memory.fill (local.get $summed_u) (i32.const 0) (i32.shl (local.get $count_u) (i32.const 2)))
    (memory.fill (local.get $summed_i) (i32.const 0) (i32.shl (local.get $count_i) (i32.const 2)))
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $i) (local.get $b)))
      (local.set $tmp (i32.add (local.get $dpos) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $sum (f64.promote_f32 (f32.load (local.get $tmp))))
      (call $add_to_slots (local.get $summed_i) (local.get $slots_i) (local.get $i) (local.get $ki) (f32.load (local.get $tmp)))
      (local.set $j (i32.const 0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load (i32.add (local.get $dneg)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop)))
      (local.set $g (f32.demote_f64 (local.get $sum)))
      (call $add_to_slots (local.get $summed_u) (local.get $slots_u) (local.get $i) (local.get $ku) (local.get $g))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $loop)))
    (local.set $k (local.get $b))
    (block $ndone (loop $nloop
      (br_if $ndone (i32.ge_u (local.get $k) (i32.add (local.get $b) (i32.mul (local.get $b) (local.get $n)))))
      (call $add_to_slots (local.get $summed_i) (local.get $slots_i) (local.get $k) (local.get $ki)
        (f32.load (i32.add (local.get $dneg) (i32.shl (i32.sub (local.get $k) (local.get $b)) (i32.const 2)))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $nloop)))
    (if (f32.ne (local.get $share_u) (f32.const 1))
      (then (call $scale_into (local.get $summed_u) (local.get $summed_u) (local.get $share_u) (local.get $count_u))))
    (if (f32.ne (local.get $share_i) (f32.const 1))
      (then (call $scale_into (local.get $summed_i) (local.get $summed_i) (local.get $share_i) (local.get $count_i)))))

  ;; summed[slots[i k + r]] += g for each of the k slots of entry i that is not -1 (rows of one float)
  (func $add_to_slots (param $summed i32) (param $slots i32) (param $i i32) (param $k i32) (param $g f32)
    (local $r i32) (local $slot i32) (local $at i32)
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $r) (local.get $k)))
      (local.set $slot (i32.load (i32.add (local.get $slots)
        (i32.shl (i32.add (i32.mul (local.get $i) (local.get $k)) (local.get $r)) (i32.const 2)))))
      (if (i32.ge_s (local.get $slot) (i32.const 0)) (then
        (local.set $at (i32.add (local.get $summed) (i32.shl (local.get $slot) (i32.const 2))))
        (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (local.get $g)))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $loop))))
)
