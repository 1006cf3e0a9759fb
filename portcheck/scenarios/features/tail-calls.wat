;; Tail calls (Wasm 3.0): return_call and return_call_indirect. Ten million calls deep, which
;; overflows any call stack unless each call replaces its caller's frame.
;; Prints its line when every check gives the value the spec defines; otherwise it prints that
;; a check gave a wrong result, and run returns an error (exit status 1).
(module
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "tail-calls: return_call and return_call_indirect ran 10000000 deep\n")
  (data (i32.const 512) "tail-calls: ran, but a check gave a wrong result\n")

  (type $step (func (param i32 i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $count_indirect)

  (func $count (param $n i32) (param $acc i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $count (i32.sub (local.get $n) (i32.const 1)) (i32.add (local.get $acc) (i32.const 1))))))

  (func $count_indirect (type $step)
    (if (result i32) (i32.eqz (local.get 0))
      (then (local.get 1))
      (else (return_call_indirect (type $step)
        (i32.sub (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 1)) (i32.const 0)))))

  (func $probe (result i32)
    (i32.and
      (i32.eq (call $count (i32.const 10000000) (i32.const 0)) (i32.const 10000000))
      (i32.eq (call $count_indirect (i32.const 10000000) (i32.const 0)) (i32.const 10000000))))

  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (local $ok i32)
    (local $stdout i32)
    (local.set $ok (call $probe))
    (local.set $stdout (call $get_stdout))
    ;; blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>, written at 0
    (call $write (local.get $stdout)
      (select (i32.const 16) (i32.const 512) (local.get $ok))
      (select (i32.const 67) (i32.const 49) (local.get $ok))
      (i32.const 0))
    (call $drop_stream (local.get $stdout))
    (i32.eqz (local.get $ok))))  ;; 0: run returns ok; 1: an error
