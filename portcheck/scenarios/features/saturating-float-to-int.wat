;; Non-trapping float-to-int conversions (Wasm 2.0): the trunc_sat instructions, which clamp
;; out-of-range values and give 0 for NaN instead of trapping.
;; Prints its line when every check gives the value the spec defines; otherwise it prints that
;; a check gave a wrong result, and run returns an error (exit status 1).
(module
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "saturating-float-to-int: i32.trunc_sat and i64.trunc_sat clamp instead of trapping\n")
  (data (i32.const 512) "saturating-float-to-int: ran, but a check gave a wrong result\n")

  (func $probe (result i32)
    (i32.and
      (i32.and
        (i32.eq (i32.trunc_sat_f32_s (f32.const 3e9)) (i32.const 2147483647))
        (i32.eq (i32.trunc_sat_f64_u (f64.const -1)) (i32.const 0)))
      (i32.and
        (i32.eq (i32.trunc_sat_f32_s (f32.const nan)) (i32.const 0))
        (i64.eq (i64.trunc_sat_f64_s (f64.const -1e300)) (i64.const 0x8000000000000000)))))

  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (local $ok i32)
    (local $stdout i32)
    (local.set $ok (call $probe))
    (local.set $stdout (call $get_stdout))
    ;; blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>, written at 0
    (call $write (local.get $stdout)
      (select (i32.const 16) (i32.const 512) (local.get $ok))
      (select (i32.const 83) (i32.const 62) (local.get $ok))
      (i32.const 0))
    (call $drop_stream (local.get $stdout))
    (i32.eqz (local.get $ok))))  ;; 0: run returns ok; 1: an error
