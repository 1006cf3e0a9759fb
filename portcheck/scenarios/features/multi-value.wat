;; Multi-value (Wasm 2.0): functions returning several values, and blocks that take parameters
;; and return several results.
;; Prints its line when every check gives the value the spec defines; otherwise it prints that
;; a check gave a wrong result, and run returns an error (exit status 1).
(module
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "multi-value: functions and blocks with several results and block parameters work\n")
  (data (i32.const 512) "multi-value: ran, but a check gave a wrong result\n")

  (func $divmod (param $a i32) (param $b i32) (result i32 i32)
    (i32.div_u (local.get $a) (local.get $b))
    (i32.rem_u (local.get $a) (local.get $b)))

  (func $swap (param i64 f32) (result f32 i64) (local.get 1) (local.get 0))

  (func $probe (result i32)
    (local $quotient i32)
    (local $remainder i32)
    (local $difference i32)
    (local $half f32)
    (local $wide i64)
    (call $divmod (i32.const 47) (i32.const 5))
    (local.set $remainder)
    (local.set $quotient)
    ;; a block that takes two parameters from the stack and leaves two results
    (i32.const 10)
    (i32.const 3)
    (block (param i32 i32) (result i32 i32)
      (i32.sub)
      (i32.const 1))
    (i32.add)
    (local.set $difference)
    (call $swap (i64.const 12) (f32.const 0.5))
    (local.set $wide)
    (local.set $half)
    (i32.and
      (i32.and
        (i32.eq (local.get $quotient) (i32.const 9))
        (i32.eq (local.get $remainder) (i32.const 2)))
      (i32.and
        (i32.eq (local.get $difference) (i32.const 8))
        (i32.and (i64.eq (local.get $wide) (i64.const 12)) (f32.eq (local.get $half) (f32.const 0.5))))))

  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (local $ok i32)
    (local $stdout i32)
    (local.set $ok (call $probe))
    (local.set $stdout (call $get_stdout))
    ;; blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>, written at 0
    (call $write (local.get $stdout)
      (select (i32.const 16) (i32.const 512) (local.get $ok))
      (select (i32.const 81) (i32.const 50) (local.get $ok))
      (i32.const 0))
    (call $drop_stream (local.get $stdout))
    (i32.eqz (local.get $ok))))  ;; 0: run returns ok; 1: an error
