;; Serving kernels for @bloom/models: candidate selection over an int8 copy of a catalogue (see
;; src/serving/quantized-catalog.ts for the bound that makes the selection exact). Built by tools/build-wasm.mjs into
;; src/serving/catalog-kernels-bytes.ts. The memory grows with the catalogue (the caller grows it).
(module
  (memory (export "memory") 1)

  ;; For each of n items (int8 rows of $d bytes at $items, $d a multiple of 16; user the same at $user):
  ;;   s = dot(q_i, q_u) * scale_i * su + bias_i,  e = scale_i * a + l1_i * b
  ;; writes the upper bound s + e to $upper, and keeps the $count largest lower bounds s - e, descending, in the f32
  ;; buffer at $top (filled with -inf by the caller). Returns the smallest of them: the threshold below which no item
  ;; of the top $count (by the exact score) can have its upper bound.
  (func (export "catalog_bounds") (param $items i32) (param $d i32) (param $n i32) (param $user i32) (param $su f32)
    (param $a f32) (param $b f32) (param $scales i32) (param $l1 i32) (param $bias i32) (param $upper i32)
    (param $top i32) (param $count i32) (result f32)
    (local $i i32) (local $c i32) (local $row i32) (local $acc v128) (local $x v128) (local $w v128)
    (local $s f32) (local $e f32) (local $lower f32) (local $scale f32) (local $floor f32) (local $j i32)
    (local $last i32)
    (local.set $last (i32.add (local.get $top) (i32.shl (i32.sub (local.get $count) (i32.const 1)) (i32.const 2))))
    (local.set $floor (f32.load (local.get $last)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $row (i32.add (local.get $items) (i32.mul (local.get $i) (local.get $d))))
      (local.set $acc (v128.const i32x4 0 0 0 0))
      (local.set $c (i32.const 0))
      (block $dot_done (loop $dot
        (br_if $dot_done (i32.ge_u (local.get $c) (local.get $d)))
        (local.set $x (v128.load (i32.add (local.get $row) (local.get $c))))
        (local.set $w (v128.load (i32.add (local.get $user) (local.get $c))))
        (local.set $acc (i32x4.add (local.get $acc)
          (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (i16x8.extend_low_i8x16_s (local.get $w)))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (i16x8.extend_high_i8x16_s (local.get $w))))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $dot)))
      (local.set $scale (f32.load (i32.add (local.get $scales) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $s (f32.add
        (f32.mul (f32.convert_i32_s (i32.add
          (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
          (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
          (f32.mul (local.get $scale) (local.get $su)))
        (f32.load (i32.add (local.get $bias) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $e (f32.add (f32.mul (local.get $scale) (local.get $a))
        (f32.mul (f32.load (i32.add (local.get $l1) (i32.shl (local.get $i) (i32.const 2)))) (local.get $b))))
      (f32.store (i32.add (local.get $upper) (i32.shl (local.get $i) (i32.const 2))) (f32.add (local.get $s) (local.get $e)))
      (local.set $lower (f32.sub (local.get $s) (local.get $e)))
      ;; insertion into the descending buffer; after the first few hundred items this branch is rarely taken
      (if (f32.gt (local.get $lower) (local.get $floor)) (then
        (local.set $j (local.get $last))
        (block $placed (loop $shift
          (br_if $placed (i32.le_u (local.get $j) (local.get $top)))
          (br_if $placed (f32.ge (f32.load (i32.sub (local.get $j) (i32.const 4))) (local.get $lower)))
          (f32.store (local.get $j) (f32.load (i32.sub (local.get $j) (i32.const 4))))
          (local.set $j (i32.sub (local.get $j) (i32.const 4)))
          (br $shift)))
        (f32.store (local.get $j) (local.get $lower))
        (local.set $floor (f32.load (local.get $last)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $floor))

  ;; Writes the positions i with upper[i] >= $threshold to $out (int32), returns how many.
  (func (export "catalog_candidates") (param $upper i32) (param $n i32) (param $threshold f32) (param $out i32)
    (result i32)
    (local $i i32) (local $count i32) (local $t v128) (local $mask i32) (local $end i32)
    (local.set $t (f32x4.splat (local.get $threshold)))
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $mask (i32x4.bitmask (f32x4.ge
        (v128.load (i32.add (local.get $upper) (i32.shl (local.get $i) (i32.const 2)))) (local.get $t))))
      (if (local.get $mask) (then
        (if (i32.and (local.get $mask) (i32.const 1)) (then (call $push (local.get $out) (local.get $count) (local.get $i))
          (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (if (i32.and (local.get $mask) (i32.const 2)) (then (call $push (local.get $out) (local.get $count) (i32.add (local.get $i) (i32.const 1)))
          (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (if (i32.and (local.get $mask) (i32.const 4)) (then (call $push (local.get $out) (local.get $count) (i32.add (local.get $i) (i32.const 2)))
          (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (if (i32.and (local.get $mask) (i32.const 8)) (then (call $push (local.get $out) (local.get $count) (i32.add (local.get $i) (i32.const 3)))
          (local.set $count (i32.add (local.get $count) (i32.const 1)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $next)))
    (block $tail_done (loop $tail
      (br_if $tail_done (i32.ge_u (local.get $i) (local.get $n)))
      (if (f32.ge (f32.load (i32.add (local.get $upper) (i32.shl (local.get $i) (i32.const 2)))) (local.get $threshold))
        (then (call $push (local.get $out) (local.get $count) (local.get $i))
          (local.set $count (i32.add (local.get $count) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $tail)))
    (local.get $count))

  (func $push (param $out i32) (param $count i32) (param $value i32)
    (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))) (local.get $value)))
)
