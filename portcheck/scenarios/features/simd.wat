;; Fixed-width SIMD (Wasm 2.0): v128 constants, loads and stores, lane-wise arithmetic, shuffles,
;; dot products and lane extraction.
;; Prints its line when every check gives the value the spec defines; otherwise it prints that
;; a check gave a wrong result, and run returns an error (exit status 1).
(module
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "simd: v128 load, store, i32x4.add, i8x16.shuffle, i32x4.dot_i16x8_s and f32x4.mul work\n")
  (data (i32.const 512) "simd: ran, but a check gave a wrong result\n")

  (func $probe (result i32)
    (local $sum v128)
    (local $shuffled v128)
    (local $dot v128)
    (v128.store (i32.const 128) (v128.const i32x4 1 2 3 4))
    (local.set $sum (i32x4.add (v128.load (i32.const 128)) (v128.const i32x4 10 20 30 40)))
    (local.set $shuffled
      (i8x16.shuffle 12 13 14 15 8 9 10 11 4 5 6 7 0 1 2 3 (local.get $sum) (local.get $sum)))
    (local.set $dot (i32x4.dot_i16x8_s (v128.const i16x8 1 2 3 4 5 6 7 8) (v128.const i16x8 1 1 1 1 2 2 2 2)))
    (i32.and
      (i32.and
        (i32.and
          (i32.eq (i32x4.extract_lane 0 (local.get $shuffled)) (i32.const 44))
          (i32.eq (i32x4.extract_lane 3 (local.get $shuffled)) (i32.const 11)))
        (i32.and
          (i32.eq (i32x4.extract_lane 0 (local.get $dot)) (i32.const 3))
          (i32.eq (i32x4.extract_lane 3 (local.get $dot)) (i32.const 30))))
      (i32.and
        (f32.eq (f32x4.extract_lane 2 (f32x4.mul (v128.const f32x4 1.5 2 2.5 3) (v128.const f32x4 2 2 2 2)))
                (f32.const 5))
        (i32x4.all_true (i32x4.eq (local.get $sum) (v128.const i32x4 11 22 33 44))))))

  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (local $ok i32)
    (local $stdout i32)
    (local.set $ok (call $probe))
    (local.set $stdout (call $get_stdout))
    ;; blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>, written at 0
    (call $write (local.get $stdout)
      (select (i32.const 16) (i32.const 512) (local.get $ok))
      (select (i32.const 87) (i32.const 43) (local.get $ok))
      (i32.const 0))
    (call $drop_stream (local.get $stdout))
    (i32.eqz (local.get $ok))))  ;; 0: run returns ok; 1: an error
