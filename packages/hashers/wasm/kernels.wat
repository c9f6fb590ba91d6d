;; Bulk bucket kernels for @bloom/hashers: the hashes of src/*.ts, four ids per SIMD step (XXH64 one at a time,
;; with native 64-bit multiplies). Each reads n int32 ids at $ids and writes n bucket indices at $out; n is
;; rounded up to whole vectors, so callers leave room for 3 more. Floor-mod uses f64 lanes and a reciprocal,
;; exact for |x| < 2^52 after one correction (see floorModFast in src/reduce.ts).
;; Built by tools/build-wasm.mjs into src/wasm/kernels-bytes.ts. The reduce-truncate-pack sequence is written out
;; per kernel on purpose: factoring it into one more function measured 10-20% slower (V8 did not inline it).
(module
  (memory (export "memory") 16)

  ;; r = x - floor(x * inv) * m, then one correction into [0, m)
  (func $reduce (param $x v128) (param $m v128) (param $inv v128) (result v128)
    (local $r v128)
    (local.set $r (f64x2.sub (local.get $x)
      (f64x2.mul (f64x2.floor (f64x2.mul (local.get $x) (local.get $inv))) (local.get $m))))
    (local.set $r (v128.bitselect (f64x2.add (local.get $r) (local.get $m)) (local.get $r)
      (f64x2.lt (local.get $r) (f64x2.splat (f64.const 0)))))
    (v128.bitselect (f64x2.sub (local.get $r) (local.get $m)) (local.get $r)
      (f64x2.ge (local.get $r) (local.get $m))))

  ;; floor-mod of four signed int32 lanes
  (func $floor_mod_s (param $h v128) (param $m v128) (param $inv v128) (result v128)
    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (i32x4.trunc_sat_f64x2_s_zero
        (call $reduce (f64x2.convert_low_i32x4_s (local.get $h)) (local.get $m) (local.get $inv)))
      (i32x4.trunc_sat_f64x2_s_zero
        (call $reduce (f64x2.convert_low_i32x4_s
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $h) (local.get $h)))
          (local.get $m) (local.get $inv)))))

  ;; four unsigned int32 lanes mod m
  (func $mod_u (param $h v128) (param $m v128) (param $inv v128) (result v128)
    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (i32x4.trunc_sat_f64x2_s_zero
        (call $reduce (f64x2.convert_low_i32x4_u (local.get $h)) (local.get $m) (local.get $inv)))
      (i32x4.trunc_sat_f64x2_s_zero
        (call $reduce (f64x2.convert_low_i32x4_u
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $h) (local.get $h)))
          (local.get $m) (local.get $inv)))))

  (func $rotl (param $x v128) (param $r i32) (result v128)
    (v128.or (i32x4.shl (local.get $x) (local.get $r))
      (i32x4.shr_u (local.get $x) (i32.sub (i32.const 32) (local.get $r)))))

  ;; MurmurHash3_x86_32 of each id's 4 little-endian bytes, floor-mod m
  (func (export "murmur3_buckets") (param $ids i32) (param $n i32) (param $seed i32) (param $m i32) (param $out i32)
    (local $i i32) (local $k v128) (local $h v128) (local $mv v128) (local $inv v128)
    (local.set $mv (f64x2.splat (f64.convert_i32_u (local.get $m))))
    (local.set $inv (f64x2.splat (f64.div (f64.const 1) (f64.convert_i32_u (local.get $m)))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $k (i32x4.mul (v128.load (i32.add (local.get $ids) (i32.shl (local.get $i) (i32.const 2))))
        (i32x4.splat (i32.const 0xcc9e2d51))))
      (local.set $k (i32x4.mul (call $rotl (local.get $k) (i32.const 15)) (i32x4.splat (i32.const 0x1b873593))))
      (local.set $h (call $rotl (v128.xor (i32x4.splat (local.get $seed)) (local.get $k)) (i32.const 13)))
      (local.set $h (i32x4.add (i32x4.mul (local.get $h) (i32x4.splat (i32.const 5)))
        (i32x4.splat (i32.const 0xe6546b64))))
      (local.set $h (v128.xor (local.get $h) (i32x4.splat (i32.const 4))))
      (local.set $h (i32x4.mul (v128.xor (local.get $h) (i32x4.shr_u (local.get $h) (i32.const 16)))
        (i32x4.splat (i32.const 0x85ebca6b))))
      (local.set $h (i32x4.mul (v128.xor (local.get $h) (i32x4.shr_u (local.get $h) (i32.const 13)))
        (i32x4.splat (i32.const 0xc2b2ae35))))
      (local.set $h (v128.xor (local.get $h) (i32x4.shr_u (local.get $h) (i32.const 16))))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
        (call $floor_mod_s (local.get $h) (local.get $mv) (local.get $inv)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $next))))

;; A whole MurmurHash3 family in one pass: for four ids at a time, the seed-independent first mix once, then for
  ;; each of the k seeds at $seeds the rest of the hash, floor-mod m, plus $shift, stored at out[id * k + j] (the
  ;; family's row-major layout), so nothing is copied or interleaved outside. n is rounded up as above; callers
  ;; leave room for 3 more ids' k buckets.
  (func (export "murmur3_family_buckets") (param $ids i32) (param $n i32) (param $seeds i32) (param $k i32)
    (param $m i32) (param $shift i32) (param $out i32)
    (local $i i32) (local $j i32) (local $k1 v128) (local $h v128) (local $mv v128) (local $inv v128)
    (local $shiftv v128) (local $at i32) (local $row i32)
    (local.set $mv (f64x2.splat (f64.convert_i32_u (local.get $m))))
    (local.set $inv (f64x2.splat (f64.div (f64.const 1) (f64.convert_i32_u (local.get $m)))))
    (local.set $shiftv (i32x4.splat (local.get $shift)))
    ;; bytes between consecutive ids' rows
    (local.set $row (i32.shl (local.get $k) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $k1 (i32x4.mul (v128.load (i32.add (local.get $ids) (i32.shl (local.get $i) (i32.const 2))))
        (i32x4.splat (i32.const 0xcc9e2d51))))
      (local.set $k1 (i32x4.mul (call $rotl (local.get $k1) (i32.const 15)) (i32x4.splat (i32.const 0x1b873593))))
      (local.set $j (i32.const 0))
      (block $seeds_done (loop $seed
        (br_if $seeds_done (i32.ge_u (local.get $j) (local.get $k)))
        (local.set $h (call $rotl
          (v128.xor (i32x4.splat (i32.load (i32.add (local.get $seeds) (i32.shl (local.get $j) (i32.const 2)))))
            (local.get $k1))
          (i32.const 13)))
        (local.set $h (i32x4.add (i32x4.mul (local.get $h) (i32x4.splat (i32.const 5)))
          (i32x4.splat (i32.const 0xe6546b64))))
        (local.set $h (v128.xor (local.get $h) (i32x4.splat (i32.const 4))))
        (local.set $h (i32x4.mul (v128.xor (local.get $h) (i32x4.shr_u (local.get $h) (i32.const 16)))
          (i32x4.splat (i32.const 0x85ebca6b))))
        (local.set $h (i32x4.mul (v128.xor (local.get $h) (i32x4.shr_u (local.get $h) (i32.const 13)))
          (i32x4.splat (i32.const 0xc2b2ae35))))
        (local.set $h (v128.xor (local.get $h) (i32x4.shr_u (local.get $h) (i32.const 16))))
        (local.set $h (i32x4.add (call $floor_mod_s (local.get $h) (local.get $mv) (local.get $inv))
          (local.get $shiftv)))
        ;; lane l goes to out[(i + l) k + j]
        (local.set $at (i32.add (local.get $out)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $k)) (local.get $j)) (i32.const 2))))
        (i32.store (local.get $at) (i32x4.extract_lane 0 (local.get $h)))
        (i32.store (i32.add (local.get $at) (local.get $row)) (i32x4.extract_lane 1 (local.get $h)))
        (i32.store (i32.add (local.get $at) (i32.shl (local.get $row) (i32.const 1))) (i32x4.extract_lane 2 (local.get $h)))
        (i32.store (i32.add (local.get $at) (i32.mul (local.get $row) (i32.const 3))) (i32x4.extract_lane 3 (local.get $h)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $seed)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $next))))

  ;; MurmurHash3_x86_32 of n byte strings (key i is bytes [offsets[i], offsets[i + 1]) at $bytes) under k seeds,
  ;; floor-mod m, plus $shift: out[i k + j]. The k seeds run in the four lanes (the seeds region holds them padded
  ;; to whole vectors), so each 4-byte block of a key is read once for four hash functions. A key's last vector
  ;; store may spill up to 3 lanes into the next key's row, which that key then overwrites; callers leave 3 more.
  (func (export "murmur3_strings_family") (param $bytes i32) (param $offsets i32) (param $n i32) (param $seeds i32)
    (param $k i32) (param $m i32) (param $shift i32) (param $out i32)
    (local $i i32) (local $g i32) (local $p i32) (local $start i32) (local $len i32) (local $end i32)
    (local $k1 i32) (local $rem i32) (local $h v128) (local $mv v128) (local $inv v128) (local $shiftv v128)
    (local.set $mv (f64x2.splat (f64.convert_i32_u (local.get $m))))
    (local.set $inv (f64x2.splat (f64.div (f64.const 1) (f64.convert_i32_u (local.get $m)))))
    (local.set $shiftv (i32x4.splat (local.get $shift)))
    (block $done (loop $next_key
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $start (i32.add (local.get $bytes)
        (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $len (i32.sub
        (i32.add (local.get $bytes)
          (i32.load (i32.add (local.get $offsets) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 2)))))
        (local.get $start)))
      (local.set $end (i32.add (local.get $start) (i32.and (local.get $len) (i32.const -4))))
      (local.set $rem (i32.and (local.get $len) (i32.const 3)))
      (local.set $g (i32.const 0))
      (block $groups_done (loop $group
        (br_if $groups_done (i32.ge_u (local.get $g) (local.get $k)))
        (local.set $h (v128.load (i32.add (local.get $seeds) (i32.shl (local.get $g) (i32.const 2)))))
        (local.set $p (local.get $start))
        (block $blocks_done (loop $block
          (br_if $blocks_done (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $k1 (i32.mul (i32.rotl (i32.mul (i32.load (local.get $p)) (i32.const 0xcc9e2d51)) (i32.const 15))
            (i32.const 0x1b873593)))
          (local.set $h (call $rotl (v128.xor (local.get $h) (i32x4.splat (local.get $k1))) (i32.const 13)))
          (local.set $h (i32x4.add (i32x4.mul (local.get $h) (i32x4.splat (i32.const 5)))
            (i32x4.splat (i32.const 0xe6546b64))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $block)))
        (if (local.get $rem) (then
          (local.set $k1 (i32.load8_u (local.get $p)))
          (if (i32.ge_u (local.get $rem) (i32.const 2)) (then
            (local.set $k1 (i32.xor (local.get $k1)
              (i32.shl (i32.load8_u (i32.add (local.get $p) (i32.const 1))) (i32.const 8))))))
          (if (i32.eq (local.get $rem) (i32.const 3)) (then
            (local.set $k1 (i32.xor (local.get $k1)
              (i32.shl (i32.load8_u (i32.add (local.get $p) (i32.const 2))) (i32.const 16))))))
          (local.set $k1 (i32.mul (i32.rotl (i32.mul (local.get $k1) (i32.const 0xcc9e2d51)) (i32.const 15))
            (i32.const 0x1b873593)))
          (local.set $h (v128.xor (local.get $h) (i32x4.splat (local.get $k1))))))
        (local.set $h (v128.xor (local.get $h) (i32x4.splat (local.get $len))))
        (local.set $h (i32x4.mul (v128.xor (local.get $h) (i32x4.shr_u (local.get $h) (i32.const 16)))
          (i32x4.splat (i32.const 0x85ebca6b))))
        (local.set $h (i32x4.mul (v128.xor (local.get $h) (i32x4.shr_u (local.get $h) (i32.const 13)))
          (i32x4.splat (i32.const 0xc2b2ae35))))
        (local.set $h (v128.xor (local.get $h) (i32x4.shr_u (local.get $h) (i32.const 16))))
        (v128.store
          (i32.add (local.get $out)
            (i32.shl (i32.add (i32.mul (local.get $i) (local.get $k)) (local.get $g)) (i32.const 2)))
          (i32x4.add (call $floor_mod_s (local.get $h) (local.get $mv) (local.get $inv)) (local.get $shiftv)))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (br $group)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next_key))))

    ;; XXH32 of each id's 4 little-endian bytes, unsigned mod m
  (func (export "xxhash32_buckets") (param $ids i32) (param $n i32) (param $seed i32) (param $m i32) (param $out i32)
    (local $i i32) (local $h v128) (local $mv v128) (local $inv v128) (local $start v128)
    (local.set $mv (f64x2.splat (f64.convert_i32_u (local.get $m))))
    (local.set $inv (f64x2.splat (f64.div (f64.const 1) (f64.convert_i32_u (local.get $m)))))
    (local.set $start (i32x4.splat (i32.add (local.get $seed) (i32.const 0x165667b5)))) ;; seed + P5 + 4
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $h (i32x4.add (local.get $start)
        (i32x4.mul (v128.load (i32.add (local.get $ids) (i32.shl (local.get $i) (i32.const 2))))
          (i32x4.splat (i32.const 0xc2b2ae3d)))))
      (local.set $h (i32x4.mul (call $rotl (local.get $h) (i32.const 17)) (i32x4.splat (i32.const 0x27d4eb2f))))
      (local.set $h (i32x4.mul (v128.xor (local.get $h) (i32x4.shr_u (local.get $h) (i32.const 15)))
        (i32x4.splat (i32.const 0x85ebca77))))
      (local.set $h (i32x4.mul (v128.xor (local.get $h) (i32x4.shr_u (local.get $h) (i32.const 13)))
        (i32x4.splat (i32.const 0xc2b2ae3d))))
      (local.set $h (v128.xor (local.get $h) (i32x4.shr_u (local.get $h) (i32.const 16))))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
        (call $mod_u (local.get $h) (local.get $mv) (local.get $inv)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $next))))

  ;; (id * factor) floor-mod m, exact for m <= 2^21 (|id * factor| < 2^52); factor = prime mod m
  (func (export "multiplicative_buckets") (param $ids i32) (param $n i32) (param $factor i32) (param $m i32) (param $out i32)
    (local $i i32) (local $x v128) (local $f v128) (local $mv v128) (local $inv v128)
    (local.set $f (f64x2.splat (f64.convert_i32_u (local.get $factor))))
    (local.set $mv (f64x2.splat (f64.convert_i32_u (local.get $m))))
    (local.set $inv (f64x2.splat (f64.div (f64.const 1) (f64.convert_i32_u (local.get $m)))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $x (v128.load (i32.add (local.get $ids) (i32.shl (local.get $i) (i32.const 2)))))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (i32x4.trunc_sat_f64x2_s_zero (call $reduce
            (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $x)) (local.get $f)) (local.get $mv) (local.get $inv)))
          (i32x4.trunc_sat_f64x2_s_zero (call $reduce
            (f64x2.mul (f64x2.convert_low_i32x4_s
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x))) (local.get $f))
            (local.get $mv) (local.get $inv)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $next))))

  ;; XXH64 of each id's 4 little-endian bytes with a 32-bit seed, the full 64-bit value mod m
  (func (export "xxhash64_buckets") (param $ids i32) (param $n i32) (param $seed i32) (param $m i32) (param $out i32)
    (local $i i32) (local $h i64) (local $start i64) (local $mm i64)
    (local.set $mm (i64.extend_i32_u (local.get $m)))
    (local.set $start (i64.add (i64.extend_i32_u (local.get $seed)) (i64.const 0x27D4EB2F165667C9))) ;; + P5 + 4
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $h (i64.xor (local.get $start)
        (i64.mul (i64.load32_u (i32.add (local.get $ids) (i32.shl (local.get $i) (i32.const 2))))
          (i64.const 0x9E3779B185EBCA87))))
      (local.set $h (i64.add (i64.mul (i64.rotl (local.get $h) (i64.const 23)) (i64.const 0xC2B2AE3D27D4EB4F))
        (i64.const 0x165667B19E3779F9)))
      (local.set $h (i64.mul (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 33)))
        (i64.const 0xC2B2AE3D27D4EB4F)))
      (local.set $h (i64.mul (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 29)))
        (i64.const 0x165667B19E3779F9)))
      (local.set $h (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 32))))
      (i32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
        (i32.wrap_i64 (i64.rem_u (local.get $h) (local.get $mm))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))
)
