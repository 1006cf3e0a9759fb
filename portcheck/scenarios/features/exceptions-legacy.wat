;; Legacy exception handling (try, catch, catch_all, rethrow, delegate): the instructions the
;; exnref design replaced; Wasm 3.0 keeps them only in an appendix, deprecated. Written flat:
;; wasm-tools has no folded form for them.
;; Prints its line when every check gives the value the spec defines; otherwise it prints that
;; a check gave a wrong result, and run returns an error (exit status 1).
(module
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "exceptions-legacy: try, catch, catch_all, rethrow and delegate work\n")
  (data (i32.const 512) "exceptions-legacy: ran, but a check gave a wrong result\n")

  (tag $oops (param i32))

  (func $throw_oops (param i32) (throw $oops (local.get 0)))

  (func $caught_value (result i32)
    try (result i32)
      (call $throw_oops (i32.const 42))
      (i32.const -1)
    catch $oops
    end)

  (func $rethrown_value (result i32)
    try (result i32)
      try
        (call $throw_oops (i32.const 7))
      catch_all
        rethrow 0
      end
      (i32.const -1)
    catch $oops
    end)

  (func $delegated_value (result i32)
    try $outer (result i32)
      try
        (call $throw_oops (i32.const 9))
      delegate $outer
      (i32.const -1)
    catch $oops
    end)

  (func $probe (result i32)
    (i32.and
      (i32.and
        (i32.eq (call $caught_value) (i32.const 42))
        (i32.eq (call $rethrown_value) (i32.const 7)))
      (i32.eq (call $delegated_value) (i32.const 9))))

  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (local $ok i32)
    (local $stdout i32)
    (local.set $ok (call $probe))
    (local.set $stdout (call $get_stdout))
    ;; blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>, written at 0
    (call $write (local.get $stdout)
      (select (i32.const 16) (i32.const 512) (local.get $ok))
      (select (i32.const 68) (i32.const 56) (local.get $ok))
      (i32.const 0))
    (call $drop_stream (local.get $stdout))
    (i32.eqz (local.get $ok))))  ;; 0: run returns ok; 1: an error
