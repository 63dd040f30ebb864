;; The HNSW layer-0 kernel: best-first search, neighbour selection and link repair over int8 rows, all inside one
;; WebAssembly memory so that a query costs one call. Regenerate the embedded bytes with
;; `node src/kernels/build-hnsw-kernel.ts` (runs wat2wasm from the `wabt` npm package) after editing this file.
;;
;; Memory layout (byte offsets, set by `configure`):
;;   [0, stride)            query row, int8, zero padded to `stride` (a multiple of 16)
;;   nodes + slot * rec     node record (64-byte aligned): row (stride bytes, 7-bit values q in [-63, 63] stored as q + 64), then
;;                          f32 scale, f32 squared norm of the float row, i32 deleted flag, i32 sum of q, i32 link
;;                          count, then `m0` i32 links (level 0)
;;   floats                 f32 scratch row (stride floats, zero padded) that `write_row` / `write_query` quantize,
;;                          then the fresh neighbours of the node being expanded (i32, up to 256) and their distances (f32)
;;   scales                 f32 scale per slot (a copy of the record's, kept dense: one cache line fewer per distance)
;;   visited                one bit per slot, cleared at the start of each search (a few KiB: it stays in L1)
;;   cand, res              heaps of (f32 distance, i32 slot) pairs: candidates (min-heap), results (max-heap)
;;   list, out              scratch i32 slots / f32 distances for JS
;; The query is 8-bit (q in [-127, 127]). Dot products use the relaxed-SIMD i8 x i7 dot, exact here because the
;; second operand (a row, q + 64) is never negative: q_query . q_row = dot(q_query, row) - 64 * sum(q_query).
;; Distances are lower-is-closer: -(qs * s * dot) for dot products, |q|^2 - 2 qs s dot + |x|^2 for euclidean.
(module
  (import "env" "memory" (memory 1 65536))
  (import "env" "accept" (func $accept (param i32) (result i32)))

  (global $stride (mut i32) (i32.const 0))
  (global $nodes (mut i32) (i32.const 0))
  (global $rec (mut i32) (i32.const 0))
  (global $visited (mut i32) (i32.const 0))
  (global $cand (mut i32) (i32.const 0))
  (global $res (mut i32) (i32.const 0))
  (global $squared (mut i32) (i32.const 0))
  (global $visitedBytes (mut i32) (i32.const 0))
  (global $sortedResults (mut i32) (i32.const 0))
  (global $qscale (mut f32) (f32.const 0))
  (global $qnorm (mut f32) (f32.const 0))
  (global $candSize (mut i32) (i32.const 0))
  (global $resSize (mut i32) (i32.const 0))
  (global $floats (mut i32) (i32.const 0))
  (global $freshList (mut i32) (i32.const 0))
  (global $scales (mut i32) (i32.const 0))
  (global $sink (mut i32) (i32.const 0))
  (global $qsum (mut i32) (i32.const 0))
  (global $lastScale (mut f32) (f32.const 0))
  (global $lastSum (mut i32) (i32.const 0))
  (global $lastNorm (mut f32) (f32.const 0))

  (func (export "configure") (param $stride i32) (param $nodes i32) (param $rec i32) (param $visited i32)
        (param $visitedBytes i32) (param $cand i32) (param $res i32) (param $squared i32) (param $floats i32) (param $scales i32)
    (global.set $visitedBytes (local.get $visitedBytes))
    (global.set $scales (local.get $scales))
    (global.set $floats (local.get $floats))
    (global.set $freshList (i32.add (local.get $floats) (i32.shl (local.get $stride) (i32.const 2))))
    (global.set $stride (local.get $stride))
    (global.set $nodes (local.get $nodes))
    (global.set $rec (local.get $rec))
    (global.set $visited (local.get $visited))
    (global.set $cand (local.get $cand))
    (global.set $res (local.get $res))
    (global.set $squared (local.get $squared)))


;; Quantizes the scratch float row to `levels` (127 or 63) into `dst`, adding `offset` (0 or 64) to each value;
  ;; leaves the scale, the sum of the quantized values and the squared norm of the floats in globals.
  (func $quantize (param $dst i32) (param $levels f32) (param $offset i32)
    (local $src i32) (local $end i32) (local $max v128) (local $norm v128) (local $x v128) (local $top f32)
    (local $scale f32) (local $inverse v128) (local $sum v128) (local $bytes v128) (local $out i32)
    (local.set $src (global.get $floats))
    (local.set $end (i32.add (local.get $src) (i32.shl (global.get $stride) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $x (v128.load (local.get $src)))
        (local.set $max (f32x4.max (local.get $max) (f32x4.abs (local.get $x))))
        (local.set $norm (f32x4.add (local.get $norm) (f32x4.mul (local.get $x) (local.get $x))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $next)))
    (local.set $top (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $max)) (f32x4.extract_lane 1 (local.get $max)))
      (f32.max (f32x4.extract_lane 2 (local.get $max)) (f32x4.extract_lane 3 (local.get $max)))))
    (global.set $lastNorm (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $norm)) (f32x4.extract_lane 1 (local.get $norm)))
      (f32.add (f32x4.extract_lane 2 (local.get $norm)) (f32x4.extract_lane 3 (local.get $norm)))))
    (local.set $scale (f32.div (local.get $top) (local.get $levels)))
    (global.set $lastScale (local.get $scale))
    (local.set $inverse (f32x4.splat (if (result f32) (f32.gt (local.get $scale) (f32.const 0))
      (then (f32.div (f32.const 1) (local.get $scale))) (else (f32.const 0)))))
    (local.set $src (global.get $floats))
    (local.set $out (local.get $dst))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $bytes (i8x16.narrow_i16x8_s
          (i16x8.narrow_i32x4_s
            (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (v128.load (local.get $src)) (local.get $inverse))))
            (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (v128.load offset=16 (local.get $src)) (local.get $inverse)))))
          (i16x8.narrow_i32x4_s
            (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (v128.load offset=32 (local.get $src)) (local.get $inverse))))
            (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (v128.load offset=48 (local.get $src)) (local.get $inverse)))))))
        (local.set $sum (i32x4.add (local.get $sum) (i32x4.extadd_pairwise_i16x8_s (i16x8.extadd_pairwise_i8x16_s (local.get $bytes)))))
        (v128.store (local.get $out) (i8x16.add (local.get $bytes) (i8x16.splat (local.get $offset))))
        (local.set $src (i32.add (local.get $src) (i32.const 64)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $next)))
    (global.set $lastSum (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $sum)) (i32x4.extract_lane 1 (local.get $sum)))
      (i32.add (i32x4.extract_lane 2 (local.get $sum)) (i32x4.extract_lane 3 (local.get $sum))))))

  ;; Quantizes the scratch float row into the record of `slot` (no links, not deleted).
  (func (export "write_row") (param $slot i32)
    (local $addr i32) (local $meta i32)
    (local.set $addr (i32.add (global.get $nodes) (i32.mul (local.get $slot) (global.get $rec))))
    (call $quantize (local.get $addr) (f32.const 63) (i32.const 64))
    (local.set $meta (i32.add (local.get $addr) (global.get $stride)))
    (f32.store (local.get $meta) (global.get $lastScale))
    (f32.store (i32.add (global.get $scales) (i32.shl (local.get $slot) (i32.const 2))) (global.get $lastScale))
    (f32.store offset=4 (local.get $meta) (global.get $lastNorm))
    (i32.store offset=8 (local.get $meta) (i32.const 0))
    (i32.store offset=12 (local.get $meta) (global.get $lastSum))
    (i32.store offset=16 (local.get $meta) (i32.const 0)))

  ;; Quantizes the scratch float row into the query.
  (func (export "write_query")
    (call $quantize (i32.const 0) (f32.const 127) (i32.const 0))
    (global.set $qscale (global.get $lastScale))
    (global.set $qnorm (global.get $lastNorm))
    (global.set $qsum (global.get $lastSum)))

  ;; Makes row `slot` the query (for inserts).
  (func $query_from (export "query_from") (param $slot i32)
    (local $addr i32) (local $end i32) (local $to i32)
    (local.set $addr (i32.add (global.get $nodes) (i32.mul (local.get $slot) (global.get $rec))))
    (local.set $end (i32.add (local.get $addr) (global.get $stride)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $addr) (local.get $end)))
        (v128.store (local.get $to) (i8x16.sub (v128.load (local.get $addr)) (i8x16.splat (i32.const 64))))
        (local.set $addr (i32.add (local.get $addr) (i32.const 16)))
        (local.set $to (i32.add (local.get $to) (i32.const 16)))
        (br $next)))
    (global.set $qscale (f32.load (i32.add (global.get $scales) (i32.shl (local.get $slot) (i32.const 2)))))
    (global.set $qnorm (f32.load offset=4 (local.get $end)))
    (global.set $qsum (i32.load offset=12 (local.get $end))))

  ;; dot(a, b) of a signed int8 row at `a` and a row of non-negative 7-bit values at `b`, `stride` bytes each;
  ;; with `shift` (0 or 64) subtracted from `a` first.
  (func $dot8 (param $a i32) (param $b i32) (param $shift i32) (result i32)
    (local $end i32) (local $acc0 v128) (local $acc1 v128) (local $shift8 v128)
    (local.set $shift8 (i8x16.splat (local.get $shift)))
    (local.set $end (i32.add (local.get $a) (global.get $stride)))
    (if (i32.and (global.get $stride) (i32.const 16))
      (then
        (local.set $acc0 (i32x4.relaxed_dot_i8x16_i7x16_add_s
          (i8x16.sub (v128.load (local.get $a)) (local.get $shift8)) (v128.load (local.get $b)) (local.get $acc0)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $acc0 (i32x4.relaxed_dot_i8x16_i7x16_add_s
          (i8x16.sub (v128.load (local.get $a)) (local.get $shift8)) (v128.load (local.get $b)) (local.get $acc0)))
        (local.set $acc1 (i32x4.relaxed_dot_i8x16_i7x16_add_s
          (i8x16.sub (v128.load offset=16 (local.get $a)) (local.get $shift8)) (v128.load offset=16 (local.get $b)) (local.get $acc1)))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br $next)))
    (local.set $acc0 (i32x4.add (local.get $acc0) (local.get $acc1)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $acc0)) (i32x4.extract_lane 1 (local.get $acc0)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc0)) (i32x4.extract_lane 3 (local.get $acc0)))))

  ;; Distance from the query to row `slot`.
  (func $dist (export "dist") (param $slot i32) (result f32)
    (local $addr i32) (local $meta i32) (local $product f32)
    (local.set $addr (i32.add (global.get $nodes) (i32.mul (local.get $slot) (global.get $rec))))
    (local.set $meta (i32.add (local.get $addr) (global.get $stride)))
    (local.set $product (f32.mul (f32.mul (global.get $qscale) (f32.load (i32.add (global.get $scales) (i32.shl (local.get $slot) (i32.const 2)))))
      (f32.convert_i32_s (i32.sub (call $dot8 (i32.const 0) (local.get $addr) (i32.const 0)) (i32.shl (global.get $qsum) (i32.const 6))))))
    (if (result f32) (global.get $squared)
      (then (f32.add (f32.sub (global.get $qnorm) (f32.add (local.get $product) (local.get $product))) (f32.load offset=4 (local.get $meta))))
      (else (f32.neg (local.get $product)))))

  ;; Distance between rows `a` and `b`.
  (func $pair (export "pair") (param $a i32) (param $b i32) (result f32)
    (local $addrA i32) (local $addrB i32) (local $metaA i32) (local $metaB i32) (local $product f32)
    (local.set $addrA (i32.add (global.get $nodes) (i32.mul (local.get $a) (global.get $rec))))
    (local.set $addrB (i32.add (global.get $nodes) (i32.mul (local.get $b) (global.get $rec))))
    (local.set $metaA (i32.add (local.get $addrA) (global.get $stride)))
    (local.set $metaB (i32.add (local.get $addrB) (global.get $stride)))
    (local.set $product (f32.mul
      (f32.mul (f32.load (i32.add (global.get $scales) (i32.shl (local.get $a) (i32.const 2))))
        (f32.load (i32.add (global.get $scales) (i32.shl (local.get $b) (i32.const 2)))))
      (f32.convert_i32_s (i32.sub (call $dot8 (local.get $addrA) (local.get $addrB) (i32.const 64))
        (i32.shl (i32.load offset=12 (local.get $metaA)) (i32.const 6))))))
    (if (result f32) (global.get $squared)
      (then (f32.add
        (f32.sub (f32.load offset=4 (local.get $metaA)) (f32.add (local.get $product) (local.get $product)))
        (f32.load offset=4 (local.get $metaB))))
      (else (f32.neg (local.get $product)))))

  ;; Distances from the query to the 4 slots listed at `list`, written as f32 at `out`: the four dot products run
  ;; side by side and share one horizontal reduction and one scaling.
  (func $dist4 (param $list i32) (param $out i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $offset i32) (local $q v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $u v128) (local $v v128)
    (local $product v128) (local $scales i32)
    (local.set $s0 (i32.load (local.get $list)))
    (local.set $s1 (i32.load offset=4 (local.get $list)))
    (local.set $s2 (i32.load offset=8 (local.get $list)))
    (local.set $s3 (i32.load offset=12 (local.get $list)))
    (local.set $a0 (i32.add (global.get $nodes) (i32.mul (local.get $s0) (global.get $rec))))
    (local.set $a1 (i32.add (global.get $nodes) (i32.mul (local.get $s1) (global.get $rec))))
    (local.set $a2 (i32.add (global.get $nodes) (i32.mul (local.get $s2) (global.get $rec))))
    (local.set $a3 (i32.add (global.get $nodes) (i32.mul (local.get $s3) (global.get $rec))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $offset) (global.get $stride)))
        (local.set $q (v128.load (local.get $offset)))
        (local.set $acc0 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $q) (v128.load (i32.add (local.get $a0) (local.get $offset))) (local.get $acc0)))
        (local.set $acc1 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $q) (v128.load (i32.add (local.get $a1) (local.get $offset))) (local.get $acc1)))
        (local.set $acc2 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $q) (v128.load (i32.add (local.get $a2) (local.get $offset))) (local.get $acc2)))
        (local.set $acc3 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $q) (v128.load (i32.add (local.get $a3) (local.get $offset))) (local.get $acc3)))
        (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
        (br $next)))
    ;; transpose-add: [sum(acc0), sum(acc1), sum(acc2), sum(acc3)]
    (local.set $u (i32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $acc0) (local.get $acc1))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $acc0) (local.get $acc1))))
    (local.set $v (i32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $acc2) (local.get $acc3))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $acc2) (local.get $acc3))))
    (local.set $u (i32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $u) (local.get $v))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $u) (local.get $v))))
    (local.set $scales (global.get $scales))
    (local.set $product (f32x4.mul
      (f32x4.convert_i32x4_s (i32x4.sub (local.get $u) (i32x4.splat (i32.shl (global.get $qsum) (i32.const 6)))))
      (f32x4.mul (f32x4.splat (global.get $qscale))
        (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1
          (f32x4.splat (f32.load (i32.add (local.get $scales) (i32.shl (local.get $s0) (i32.const 2)))))
          (f32.load (i32.add (local.get $scales) (i32.shl (local.get $s1) (i32.const 2)))))
          (f32.load (i32.add (local.get $scales) (i32.shl (local.get $s2) (i32.const 2)))))
          (f32.load (i32.add (local.get $scales) (i32.shl (local.get $s3) (i32.const 2))))))))
    (if (global.get $squared)
      (then
        (v128.store (local.get $out) (f32x4.add
          (f32x4.sub (f32x4.splat (global.get $qnorm)) (f32x4.add (local.get $product) (local.get $product)))
          (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1
            (f32x4.splat (f32.load offset=4 (i32.add (local.get $a0) (global.get $stride))))
            (f32.load offset=4 (i32.add (local.get $a1) (global.get $stride))))
            (f32.load offset=4 (i32.add (local.get $a2) (global.get $stride))))
            (f32.load offset=4 (i32.add (local.get $a3) (global.get $stride)))))))
      (else (v128.store (local.get $out) (f32x4.neg (local.get $product))))))

  ;; Distances from the query to the `count` slots listed at `list`, written as f32 at `out`.
  (func (export "distances") (param $list i32) (param $count i32) (param $out i32)
    (local $index i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $index) (local.get $count)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $index) (i32.const 2)))
          (call $dist (i32.load (i32.add (local.get $list) (i32.shl (local.get $index) (i32.const 2))))))
        (local.set $index (i32.add (local.get $index) (i32.const 1)))
        (br $next))))

  ;; Candidate min-heap.
  (func $cand_push (param $distance f32) (param $slot i32)
    (local $index i32) (local $parent i32) (local $at i32) (local $base i32)
    (local.set $base (global.get $cand))
    (local.set $index (global.get $candSize))
    (global.set $candSize (i32.add (local.get $index) (i32.const 1)))
    (block $placed
      (loop $up
        (br_if $placed (i32.eqz (local.get $index)))
        (local.set $parent (i32.shr_u (i32.sub (local.get $index) (i32.const 1)) (i32.const 1)))
        (local.set $at (i32.add (local.get $base) (i32.shl (local.get $parent) (i32.const 3))))
        (br_if $placed (f32.ge (local.get $distance) (f32.load (local.get $at))))
        (i64.store (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 3))) (i64.load (local.get $at)))
        (local.set $index (local.get $parent))
        (br $up)))
    (local.set $at (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 3))))
    (f32.store (local.get $at) (local.get $distance))
    (i32.store offset=4 (local.get $at) (local.get $slot)))

  (func $cand_pop
    (local $right i32) (local $size i32) (local $index i32) (local $child i32) (local $base i32) (local $last i64) (local $distance f32) (local $at i32)
    (local.set $base (global.get $cand))
    (local.set $size (i32.sub (global.get $candSize) (i32.const 1)))
    (global.set $candSize (local.get $size))
    (if (i32.eqz (local.get $size)) (then (return)))
    (local.set $last (i64.load (i32.add (local.get $base) (i32.shl (local.get $size) (i32.const 3)))))
    (local.set $distance (f32.reinterpret_i32 (i32.wrap_i64 (local.get $last))))
    (block $placed
      (loop $down
        (local.set $child (i32.add (i32.shl (local.get $index) (i32.const 1)) (i32.const 1)))
        (br_if $placed (i32.ge_u (local.get $child) (local.get $size)))
        (local.set $at (i32.add (local.get $base) (i32.shl (local.get $child) (i32.const 3))))
        ;; branch-free choice of the closer child (the right one exists and is closer)
        (local.set $right (i32.and (i32.lt_u (i32.add (local.get $child) (i32.const 1)) (local.get $size))
          (f32.lt (f32.load offset=8 (local.get $at)) (f32.load (local.get $at)))))
        (local.set $child (i32.add (local.get $child) (local.get $right)))
        (local.set $at (i32.add (local.get $at) (i32.shl (local.get $right) (i32.const 3))))
        (br_if $placed (f32.ge (f32.load (local.get $at)) (local.get $distance)))
        (i64.store (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 3))) (i64.load (local.get $at)))
        (local.set $index (local.get $child))
        (br $down)))
    (i64.store (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 3))) (local.get $last)))

  ;; Result max-heap.
  (func $res_push (param $distance f32) (param $slot i32)
    (local $index i32) (local $parent i32) (local $at i32) (local $base i32)
    (local.set $base (global.get $res))
    (local.set $index (global.get $resSize))
    (global.set $resSize (i32.add (local.get $index) (i32.const 1)))
    (block $placed
      (loop $up
        (br_if $placed (i32.eqz (local.get $index)))
        (local.set $parent (i32.shr_u (i32.sub (local.get $index) (i32.const 1)) (i32.const 1)))
        (local.set $at (i32.add (local.get $base) (i32.shl (local.get $parent) (i32.const 3))))
        (br_if $placed (f32.le (local.get $distance) (f32.load (local.get $at))))
        (i64.store (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 3))) (i64.load (local.get $at)))
        (local.set $index (local.get $parent))
        (br $up)))
    (local.set $at (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 3))))
    (f32.store (local.get $at) (local.get $distance))
    (i32.store offset=4 (local.get $at) (local.get $slot)))

  (func $res_pop
    (local $right i32) (local $size i32) (local $index i32) (local $child i32) (local $base i32) (local $last i64) (local $distance f32) (local $at i32)
    (local.set $base (global.get $res))
    (local.set $size (i32.sub (global.get $resSize) (i32.const 1)))
    (global.set $resSize (local.get $size))
    (if (i32.eqz (local.get $size)) (then (return)))
    (local.set $last (i64.load (i32.add (local.get $base) (i32.shl (local.get $size) (i32.const 3)))))
    (local.set $distance (f32.reinterpret_i32 (i32.wrap_i64 (local.get $last))))
    (block $placed
      (loop $down
        (local.set $child (i32.add (i32.shl (local.get $index) (i32.const 1)) (i32.const 1)))
        (br_if $placed (i32.ge_u (local.get $child) (local.get $size)))
        (local.set $at (i32.add (local.get $base) (i32.shl (local.get $child) (i32.const 3))))
        ;; branch-free choice of the farther child (the right one exists and is farther)
        (local.set $right (i32.and (i32.lt_u (i32.add (local.get $child) (i32.const 1)) (local.get $size))
          (f32.gt (f32.load offset=8 (local.get $at)) (f32.load (local.get $at)))))
        (local.set $child (i32.add (local.get $child) (local.get $right)))
        (local.set $at (i32.add (local.get $at) (i32.shl (local.get $right) (i32.const 3))))
        (br_if $placed (f32.le (f32.load (local.get $at)) (local.get $distance)))
        (i64.store (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 3))) (i64.load (local.get $at)))
        (local.set $index (local.get $child))
        (br $down)))
    (i64.store (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 3))) (local.get $last)))

;; Replaces the worst result with a closer one (one sift-down instead of a push and a pop).
  (func $res_replace (param $distance f32) (param $slot i32)
    (local $right i32) (local $size i32) (local $index i32) (local $child i32) (local $base i32) (local $at i32)
    (local.set $base (global.get $res))
    (local.set $size (global.get $resSize))
    (block $placed
      (loop $down
        (local.set $child (i32.add (i32.shl (local.get $index) (i32.const 1)) (i32.const 1)))
        (br_if $placed (i32.ge_u (local.get $child) (local.get $size)))
        (local.set $at (i32.add (local.get $base) (i32.shl (local.get $child) (i32.const 3))))
        ;; branch-free choice of the farther child (the right one exists and is farther)
        (local.set $right (i32.and (i32.lt_u (i32.add (local.get $child) (i32.const 1)) (local.get $size))
          (f32.gt (f32.load offset=8 (local.get $at)) (f32.load (local.get $at)))))
        (local.set $child (i32.add (local.get $child) (local.get $right)))
        (local.set $at (i32.add (local.get $at) (i32.shl (local.get $right) (i32.const 3))))
        (br_if $placed (f32.le (f32.load (local.get $at)) (local.get $distance)))
        (i64.store (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 3))) (i64.load (local.get $at)))
        (local.set $index (local.get $child))
        (br $down)))
    (local.set $at (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 3))))
    (f32.store (local.get $at) (local.get $distance))
    (i32.store offset=4 (local.get $at) (local.get $slot)))

    ;; Whether `slot` may enter the results: mode 0 takes all, 1 skips tombstones, 2 also asks the imported `accept`.
  (func $accepts (param $slot i32) (param $mode i32) (result i32)
    (if (i32.eqz (local.get $mode)) (then (return (i32.const 1))))
    (if (i32.load (i32.add (i32.add (global.get $nodes) (i32.mul (local.get $slot) (global.get $rec))) (i32.add (global.get $stride) (i32.const 8))))
      (then (return (i32.const 0))))
    (if (i32.eq (local.get $mode) (i32.const 1)) (then (return (i32.const 1))))
    (call $accept (local.get $slot)))

  ;; Marks the unvisited neighbours of `current` on layer 0 as visited, lists them at `freshList` and writes their
  ;; distances (f32) 1024 bytes further on; returns the end of the list.
  (func $score_neighbours (param $current i32) (result i32)
    (local $links i32) (local $end i32) (local $neighbor i32) (local $mark i32) (local $byte i32) (local $bit i32)
    (local $fresh i32) (local $row i32) (local $sink i32) (local $out i32)
    (local.set $links (i32.add (i32.add (global.get $nodes) (i32.mul (local.get $current) (global.get $rec)))
      (i32.add (global.get $stride) (i32.const 16))))
    (local.set $end (i32.add (i32.add (local.get $links) (i32.const 4)) (i32.shl (i32.load (local.get $links)) (i32.const 2))))
    (local.set $fresh (global.get $freshList))
    (block $scanned
      (loop $neighbors
        (local.set $links (i32.add (local.get $links) (i32.const 4)))
        (br_if $scanned (i32.ge_u (local.get $links) (local.get $end)))
        (local.set $neighbor (i32.load (local.get $links)))
        (local.set $mark (i32.add (global.get $visited) (i32.shr_u (local.get $neighbor) (i32.const 3))))
        (local.set $byte (i32.load8_u (local.get $mark)))
        (local.set $bit (i32.shl (i32.const 1) (i32.and (local.get $neighbor) (i32.const 7))))
        ;; branch-free: always list the neighbour, advance past it only when it was not visited yet
        (i32.store (local.get $fresh) (local.get $neighbor))
        (local.set $fresh (i32.add (local.get $fresh)
          (i32.shl (i32.eqz (i32.and (local.get $byte) (local.get $bit))) (i32.const 2))))
        (i32.store8 (local.get $mark) (i32.or (local.get $byte) (local.get $bit)))
        (br $neighbors)))
    ;; touch the fresh rows' cache lines so that their loads overlap before scoring
    (local.set $links (global.get $freshList))
    (block $touched
      (loop $touch
        (br_if $touched (i32.ge_u (local.get $links) (local.get $fresh)))
        (local.set $row (i32.add (global.get $nodes) (i32.mul (i32.load (local.get $links)) (global.get $rec))))
        (local.set $sink (i32.xor (local.get $sink) (i32.xor (i32.load8_u (local.get $row))
          (i32.load8_u (i32.add (local.get $row) (i32.sub (global.get $stride) (i32.const 1)))))))
        (local.set $links (i32.add (local.get $links) (i32.const 4)))
        (br $touch)))
    (global.set $sink (local.get $sink))
    ;; score four rows at a time (independent dot products, no branch between them)
    (local.set $links (global.get $freshList))
    (local.set $out (i32.add (global.get $freshList) (i32.const 1024)))
    (block $dotted
      (loop $dots
        (br_if $dotted (i32.gt_u (i32.add (local.get $links) (i32.const 12)) (local.get $fresh)))
        (call $dist4 (local.get $links) (local.get $out))
        (local.set $links (i32.add (local.get $links) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $dots)))
    (block $dotted
      (loop $dots
        (br_if $dotted (i32.ge_u (local.get $links) (local.get $fresh)))
        (f32.store (local.get $out) (call $dist (i32.load (local.get $links))))
        (local.set $links (i32.add (local.get $links) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $dots)))
    (local.get $fresh))

  (func $mark_visited (param $slot i32)
    (local $mark i32)
    (local.set $mark (i32.add (global.get $visited) (i32.shr_u (local.get $slot) (i32.const 3))))
    (i32.store8 (local.get $mark) (i32.or (i32.load8_u (local.get $mark)) (i32.shl (i32.const 1) (i32.and (local.get $slot) (i32.const 7))))))

  ;; Best-first search of layer 0 from `entry` keeping `ef` results; returns how many results it keeps. When every
  ;; node may be a result (mode 0) and `ef` is at most 256, the candidates and results are one sorted list (below);
  ;; otherwise a candidate min-heap and a result max-heap.
  (func $search (export "search") (param $entry i32) (param $ef i32) (param $mode i32) (result i32)
    (local $bound f32) (local $current i32) (local $links i32) (local $fresh i32) (local $out i32)
    (local $neighbor i32) (local $distance f32)
    (memory.fill (global.get $visited) (i32.const 0) (global.get $visitedBytes))
    (call $mark_visited (local.get $entry))
    (if (i32.and (i32.eqz (local.get $mode)) (i32.le_u (local.get $ef) (i32.const 256)))
      (then (return (call $search_list (local.get $entry) (local.get $ef)))))
    (global.set $sortedResults (i32.const 0))
    (global.set $candSize (i32.const 0))
    (global.set $resSize (i32.const 0))
    (local.set $distance (call $dist (local.get $entry)))
    (call $cand_push (local.get $distance) (local.get $entry))
    (if (call $accepts (local.get $entry) (local.get $mode))
      (then (call $res_push (local.get $distance) (local.get $entry))))
    (local.set $bound (if (result f32) (global.get $resSize) (then (f32.load (global.get $res))) (else (f32.const inf))))
    (block $finished
      (loop $expand
        (br_if $finished (i32.eqz (global.get $candSize)))
        (br_if $finished (i32.and
          (f32.gt (f32.load (global.get $cand)) (local.get $bound))
          (i32.ge_u (global.get $resSize) (local.get $ef))))
        (local.set $current (i32.load offset=4 (global.get $cand)))
        (call $cand_pop)
        (local.set $fresh (call $score_neighbours (local.get $current)))
        (local.set $links (global.get $freshList))
        (local.set $out (i32.add (global.get $freshList) (i32.const 1024)))
        (block $scored
          (loop $score
            (br_if $scored (i32.ge_u (local.get $links) (local.get $fresh)))
            (local.set $neighbor (i32.load (local.get $links)))
            (local.set $distance (f32.load (local.get $out)))
            (local.set $links (i32.add (local.get $links) (i32.const 4)))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))
            (if (i32.or (i32.lt_u (global.get $resSize) (local.get $ef)) (f32.lt (local.get $distance) (local.get $bound)))
              (then
                (call $cand_push (local.get $distance) (local.get $neighbor))
                (if (call $accepts (local.get $neighbor) (local.get $mode))
                  (then
                    (if (i32.lt_u (global.get $resSize) (local.get $ef))
                      (then (call $res_push (local.get $distance) (local.get $neighbor)))
                      (else (call $res_replace (local.get $distance) (local.get $neighbor))))))
                (if (global.get $resSize) (then (local.set $bound (f32.load (global.get $res)))))))
            (br $score)))
        (br $expand)))
    (global.get $resSize))

  ;; The search of `search` when every node may be a result: one list of the best `ef` nodes seen, sorted by
  ;; distance, each with an "expanded" flag (the slot's top bit), in the result region. The closest unexpanded node
  ;; is expanded next, and its closer neighbours are inserted in place (the farthest entry drops out when full): the
  ;; same nodes in the same order as the two heaps (up to ties in distance), without their sift-downs. Ends when every
  ;; entry is expanded.
  (func $search_list (param $entry i32) (param $ef i32) (result i32)
    (local $base i32) (local $size i32) (local $cursor i32) (local $at i32) (local $current i32) (local $links i32)
    (local $fresh i32) (local $out i32) (local $distance f32) (local $low i32) (local $count i32) (local $half i32)
    (local $position i32) (local $after i32)
    (local.set $base (global.get $res))
    (f32.store (local.get $base) (call $dist (local.get $entry)))
    (i32.store offset=4 (local.get $base) (local.get $entry))
    (local.set $size (i32.const 1))
    (block $finished
      (loop $expand
        ;; the closest entry not expanded yet
        (block $found
          (loop $advance
            (br_if $finished (i32.ge_u (local.get $cursor) (local.get $size)))
            (local.set $at (i32.add (local.get $base) (i32.shl (local.get $cursor) (i32.const 3))))
            (br_if $found (i32.ge_s (i32.load offset=4 (local.get $at)) (i32.const 0)))
            (local.set $cursor (i32.add (local.get $cursor) (i32.const 1)))
            (br $advance)))
        (local.set $current (i32.load offset=4 (local.get $at)))
        (i32.store offset=4 (local.get $at) (i32.or (local.get $current) (i32.const 0x80000000)))
        (local.set $fresh (call $score_neighbours (local.get $current)))
        (local.set $links (global.get $freshList))
        (local.set $out (i32.add (global.get $freshList) (i32.const 1024)))
        (block $scored
          (loop $score
            (br_if $scored (i32.ge_u (local.get $links) (local.get $fresh)))
            (local.set $distance (f32.load (local.get $out)))
            (if (i32.or (i32.lt_u (local.get $size) (local.get $ef))
                  (f32.lt (local.get $distance) (f32.load (i32.add (local.get $base) (i32.shl (i32.sub (local.get $size) (i32.const 1)) (i32.const 3))))))
              (then
                ;; branch-free binary search for the first entry farther than `distance`
                (local.set $low (i32.const 0))
                (local.set $count (local.get $size))
                (block $searched
                  (loop $bisect
                    (br_if $searched (i32.eqz (local.get $count)))
                    (local.set $half (i32.shr_u (local.get $count) (i32.const 1)))
                    (local.set $position (i32.add (local.get $low) (local.get $half)))
                    (local.set $after (f32.le (f32.load (i32.add (local.get $base) (i32.shl (local.get $position) (i32.const 3)))) (local.get $distance)))
                    (local.set $low (select (i32.add (local.get $position) (i32.const 1)) (local.get $low) (local.get $after)))
                    (local.set $count (select (i32.sub (i32.sub (local.get $count) (local.get $half)) (i32.const 1)) (local.get $half) (local.get $after)))
                    (br $bisect)))
                ;; shift the entries after it by one (the last drops out when the list is full)
                (if (i32.lt_u (local.get $size) (local.get $ef)) (then (local.set $size (i32.add (local.get $size) (i32.const 1)))))
                (local.set $at (i32.add (local.get $base) (i32.shl (local.get $low) (i32.const 3))))
                (memory.copy (i32.add (local.get $at) (i32.const 8)) (local.get $at)
                  (i32.shl (i32.sub (i32.sub (local.get $size) (local.get $low)) (i32.const 1)) (i32.const 3)))
                (f32.store (local.get $at) (local.get $distance))
                (i32.store offset=4 (local.get $at) (i32.load (local.get $links)))
                (if (i32.lt_u (local.get $low) (local.get $cursor)) (then (local.set $cursor (local.get $low))))))
            (local.set $links (i32.add (local.get $links) (i32.const 4)))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))
            (br $score)))
        (br $expand)))
    (global.set $sortedResults (i32.const 1))
    (global.set $resSize (local.get $size))
    (local.get $size))

  ;; Empties the result heap into `slots` / `distances` (i32 / f32 arrays), closest first; returns the count.
  (func $drain (export "drain") (param $slots i32) (param $distances i32) (result i32)
    (local $count i32) (local $index i32) (local $at i32)
    (local.set $count (global.get $resSize))
    (if (global.get $sortedResults)
      (then
        (block $copied
          (loop $copy
            (br_if $copied (i32.ge_u (local.get $index) (local.get $count)))
            (local.set $at (i32.add (global.get $res) (i32.shl (local.get $index) (i32.const 3))))
            (f32.store (i32.add (local.get $distances) (i32.shl (local.get $index) (i32.const 2))) (f32.load (local.get $at)))
            (i32.store (i32.add (local.get $slots) (i32.shl (local.get $index) (i32.const 2)))
              (i32.and (i32.load offset=4 (local.get $at)) (i32.const 0x7fffffff)))
            (local.set $index (i32.add (local.get $index) (i32.const 1)))
            (br $copy)))
        (global.set $resSize (i32.const 0))
        (return (local.get $count))))
    (local.set $index (local.get $count))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $index)))
        (local.set $index (i32.sub (local.get $index) (i32.const 1)))
        (f32.store (i32.add (local.get $distances) (i32.shl (local.get $index) (i32.const 2))) (f32.load (global.get $res)))
        (i32.store (i32.add (local.get $slots) (i32.shl (local.get $index) (i32.const 2))) (i32.load offset=4 (global.get $res)))
        (call $res_pop)
        (br $next)))
    (local.get $count))

  ;; The diversity heuristic: walks `count` candidates sorted by distance to the base (slots at `slots`, distances at
  ;; `distances`) and keeps one only if it is closer to the base than to every kept one, up to `limit`. Kept slots
  ;; are written to `out`; returns how many.
  (func $select (export "select") (param $slots i32) (param $distances i32) (param $count i32) (param $limit i32) (param $out i32) (result i32)
    (local $index i32) (local $kept i32) (local $position i32) (local $candidate i32) (local $distance f32)
    (if (i32.le_u (local.get $count) (local.get $limit))
      (then
        (memory.copy (local.get $out) (local.get $slots) (i32.shl (local.get $count) (i32.const 2)))
        (return (local.get $count))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $index) (local.get $count)))
        (br_if $done (i32.ge_u (local.get $kept) (local.get $limit)))
        (local.set $candidate (i32.load (i32.add (local.get $slots) (i32.shl (local.get $index) (i32.const 2)))))
        (local.set $distance (f32.load (i32.add (local.get $distances) (i32.shl (local.get $index) (i32.const 2)))))
        (local.set $position (i32.const 0))
        (block $rejected
          (block $good
            (loop $check
              (br_if $good (i32.ge_u (local.get $position) (local.get $kept)))
              (br_if $rejected (f32.lt
                (call $pair (local.get $candidate) (i32.load (i32.add (local.get $out) (i32.shl (local.get $position) (i32.const 2)))))
                (local.get $distance)))
              (local.set $position (i32.add (local.get $position) (i32.const 1)))
              (br $check)))
          (i32.store (i32.add (local.get $out) (i32.shl (local.get $kept) (i32.const 2))) (local.get $candidate))
          (local.set $kept (i32.add (local.get $kept) (i32.const 1))))
        (local.set $index (i32.add (local.get $index) (i32.const 1)))
        (br $next)))
    (local.get $kept))

  ;; Adds `to` to the level-0 links of `from`; when they are full (`limit`), re-selects among the old links and `to`
  ;; with the heuristic, using `scratch` (room for 3 * (limit + 1) words).
  (func $connect (export "connect") (param $from i32) (param $to i32) (param $limit i32) (param $scratch i32)
    (local $links i32) (local $count i32) (local $index i32) (local $position i32) (local $slot i32) (local $distance f32)
    (local $distances i32) (local $kept i32)
    (local.set $links (i32.add (i32.add (global.get $nodes) (i32.mul (local.get $from) (global.get $rec)))
      (i32.add (global.get $stride) (i32.const 16))))
    (local.set $count (i32.load (local.get $links)))
    (if (i32.lt_u (local.get $count) (local.get $limit))
      (then
        (i32.store (i32.add (local.get $links) (i32.shl (i32.add (local.get $count) (i32.const 1)) (i32.const 2))) (local.get $to))
        (i32.store (local.get $links) (i32.add (local.get $count) (i32.const 1)))
        (return)))
    (local.set $distances (i32.add (local.get $scratch) (i32.shl (i32.add (local.get $limit) (i32.const 1)) (i32.const 2))))
    ;; insertion sort of (to, links...) by distance to `from`
    (local.set $index (i32.const 0))
    (block $sorted
      (loop $next
        (br_if $sorted (i32.gt_u (local.get $index) (local.get $count)))
        (local.set $slot (if (result i32) (i32.eqz (local.get $index))
          (then (local.get $to))
          (else (i32.load (i32.add (local.get $links) (i32.shl (local.get $index) (i32.const 2)))))))
        (local.set $distance (call $pair (local.get $from) (local.get $slot)))
        (local.set $position (local.get $index))
        (block $placed
          (loop $shift
            (br_if $placed (i32.eqz (local.get $position)))
            (br_if $placed (f32.le
              (f32.load (i32.add (local.get $distances) (i32.shl (i32.sub (local.get $position) (i32.const 1)) (i32.const 2))))
              (local.get $distance)))
            (f32.store (i32.add (local.get $distances) (i32.shl (local.get $position) (i32.const 2)))
              (f32.load (i32.add (local.get $distances) (i32.shl (i32.sub (local.get $position) (i32.const 1)) (i32.const 2)))))
            (i32.store (i32.add (local.get $scratch) (i32.shl (local.get $position) (i32.const 2)))
              (i32.load (i32.add (local.get $scratch) (i32.shl (i32.sub (local.get $position) (i32.const 1)) (i32.const 2)))))
            (local.set $position (i32.sub (local.get $position) (i32.const 1)))
            (br $shift)))
        (f32.store (i32.add (local.get $distances) (i32.shl (local.get $position) (i32.const 2))) (local.get $distance))
        (i32.store (i32.add (local.get $scratch) (i32.shl (local.get $position) (i32.const 2))) (local.get $slot))
        (local.set $index (i32.add (local.get $index) (i32.const 1)))
        (br $next)))
    (local.set $kept (call $select (local.get $scratch) (local.get $distances) (i32.add (local.get $count) (i32.const 1))
      (local.get $limit) (i32.add (local.get $links) (i32.const 4))))
    (i32.store (local.get $links) (local.get $kept)))

  ;; Inserts node `slot` into layer 0: searches from `entry` with `ef`, keeps `m` diverse neighbours as its links and
  ;; links each of them back (up to `m0`). `scratch` needs room for 2 * (results) + 3 * (m0 + 1) words. Returns the
  ;; closest node found.
  (func (export "insert0") (param $slot i32) (param $entry i32) (param $ef i32) (param $m i32) (param $m0 i32) (param $scratch i32) (result i32)
    (local $found i32) (local $slots i32) (local $distances i32) (local $links i32) (local $kept i32) (local $index i32) (local $closest i32)
    (call $query_from (local.get $slot))
    (drop (call $search (local.get $entry) (local.get $ef) (i32.const 0)))
    (local.set $slots (local.get $scratch))
    (local.set $distances (i32.add (local.get $scratch) (i32.shl (global.get $resSize) (i32.const 2))))
    (local.set $found (call $drain (local.get $slots) (local.get $distances)))
    (local.set $closest (i32.load (local.get $slots)))
    (local.set $links (i32.add (i32.add (global.get $nodes) (i32.mul (local.get $slot) (global.get $rec)))
      (i32.add (global.get $stride) (i32.const 16))))
    (local.set $kept (call $select (local.get $slots) (local.get $distances) (local.get $found) (local.get $m)
      (i32.add (local.get $links) (i32.const 4))))
    (i32.store (local.get $links) (local.get $kept))
    (local.set $index (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $index) (local.get $kept)))
        (call $connect
          (i32.load offset=4 (i32.add (local.get $links) (i32.shl (local.get $index) (i32.const 2))))
          (local.get $slot) (local.get $m0)
          (i32.add (local.get $distances) (i32.shl (local.get $found) (i32.const 2))))
        (local.set $index (i32.add (local.get $index) (i32.const 1)))
        (br $next)))
    (local.get $closest))

  ;; Exact integer dot products of `count` int8 rows (`stride` bytes apart from `base`, values in [-127, 127]) with an
  ;; int8 query q, written as i32 to `out`. The query comes split as q + 127 = 2 * high + low (0 on padding) with `high` in [0, 127]
  ;; and `low` in {0, 1} (at `high` / `low`), so both relaxed i8 x i7 dots are exact: q . row = 2 * (high . row) +
  ;; low . row - 127 * sum(row), with the row sums as i32 at `sums`. Independent of the globals above.
  (func (export "i8_scan") (param $high i32) (param $low i32) (param $base i32) (param $stride i32) (param $count i32)
        (param $out i32) (param $sums i32)
    (local $row i32) (local $addr i32) (local $offset i32) (local $hi v128) (local $lo v128) (local $x v128)
    (block $rows
      (loop $next_row
        (br_if $rows (i32.ge_u (local.get $row) (local.get $count)))
        (local.set $addr (i32.add (local.get $base) (i32.mul (local.get $row) (local.get $stride))))
        (local.set $hi (v128.const i32x4 0 0 0 0))
        (local.set $lo (v128.const i32x4 0 0 0 0))
        (local.set $offset (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $offset) (local.get $stride)))
            (local.set $x (v128.load (i32.add (local.get $addr) (local.get $offset))))
            (local.set $hi (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $x) (v128.load (i32.add (local.get $high) (local.get $offset))) (local.get $hi)))
            (local.set $lo (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $x) (v128.load (i32.add (local.get $low) (local.get $offset))) (local.get $lo)))
            (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
            (br $next)))
        (local.set $hi (i32x4.add (i32x4.shl (local.get $hi) (i32.const 1)) (local.get $lo)))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $row) (i32.const 2)))
          (i32.sub
            (i32.add
              (i32.add (i32x4.extract_lane 0 (local.get $hi)) (i32x4.extract_lane 1 (local.get $hi)))
              (i32.add (i32x4.extract_lane 2 (local.get $hi)) (i32x4.extract_lane 3 (local.get $hi))))
            (i32.mul (i32.load (i32.add (local.get $sums) (i32.shl (local.get $row) (i32.const 2)))) (i32.const 127))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $next_row))))
)
