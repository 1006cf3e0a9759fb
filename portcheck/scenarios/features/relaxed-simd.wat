;; Relaxed SIMD (Wasm 3.0): the instructions whose results may differ by hardware, on inputs for
;; which every result the spec allows is the same.
;; Prints its line when every check gives the value the spec defines; otherwise it prints that
;; a check gave a wrong result, and run returns an error (exit status 1).
(module
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "relaxed-simd: relaxed_swizzle, relaxed_madd, relaxed_trunc, relaxed_laneselect and relaxed_dot work\n")
  (data (i32.const 512) "relaxed-simd: ran, but a check gave a wrong result\n")

  (func $probe (result i32)
    (local $swizzled v128)
    (local $fused v128)
    (local $truncated v128)
    (local $selected v128)
    (local $dot v128)
    ;; indices below 16: the same on every machine
    (local.set $swizzled (i8x16.relaxed_swizzle
      (v128.const i8x16 0 10 20 30 40 50 60 70 80 90 100 110 120 121 122 123)
      (v128.const i8x16 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0)))
    ;; small integers: fused or not, a*b+c is exact
    (local.set $fused (f32x4.relaxed_madd
      (v128.const f32x4 2 3 4 5) (v128.const f32x4 10 10 10 10) (v128.const f32x4 1 1 1 1)))
    ;; in range: no saturation or NaN case to differ on
    (local.set $truncated (i32x4.relaxed_trunc_f32x4_s (v128.const f32x4 -2.5 3.75 100.5 -7)))
    ;; a mask of whole lanes (all ones or all zeros): every lowering picks the same lanes
    (local.set $selected (i32x4.relaxed_laneselect
      (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8) (v128.const i32x4 -1 0 -1 0)))
    ;; the second operand fits in 7 bits: signed and unsigned readings agree
    (local.set $dot (i16x8.relaxed_dot_i8x16_i7x16_s
      (v128.const i8x16 1 2 3 4 5 6 7 8 -1 -2 -3 -4 -5 -6 -7 -8)
      (v128.const i8x16 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2)))
    (i32.and
      (i32.and
        (i32.and
          (i32.eq (i8x16.extract_lane_u 0 (local.get $swizzled)) (i32.const 123))
          (i32.eq (i8x16.extract_lane_u 15 (local.get $swizzled)) (i32.const 0)))
        (i32.and
          (f32.eq (f32x4.extract_lane 3 (local.get $fused)) (f32.const 51))
          (i32.eq (i32x4.extract_lane 0 (local.get $truncated)) (i32.const -2))))
      (i32.and
        (i32.and
          (i32.eq (i32x4.extract_lane 2 (local.get $truncated)) (i32.const 100))
          (i32x4.all_true (i32x4.eq (local.get $selected) (v128.const i32x4 1 6 3 8))))
        (i32.and
          (i32.eq (i16x8.extract_lane_s 0 (local.get $dot)) (i32.const 3))
          (i32.eq (i16x8.extract_lane_s 7 (local.get $dot)) (i32.const -30))))))

  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (local $ok i32)
    (local $stdout i32)
    (local.set $ok (call $probe))
    (local.set $stdout (call $get_stdout))
    ;; blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>, written at 0
    (call $write (local.get $stdout)
      (select (i32.const 16) (i32.const 512) (local.get $ok))
      (select (i32.const 100) (i32.const 51) (local.get $ok))
      (i32.const 0))
    (call $drop_stream (local.get $stdout))
    (i32.eqz (local.get $ok))))  ;; 0: run returns ok; 1: an error
