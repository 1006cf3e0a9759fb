;; Exception handling with exnref (Wasm 3.0): tag, throw, try_table with catch, catch_ref and
;; catch_all, and throw_ref rethrowing a caught exception.
;; Prints its line when every check gives the value the spec defines; otherwise it prints that
;; a check gave a wrong result, and run returns an error (exit status 1).
(module
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "exceptions: throw, try_table (catch, catch_ref, catch_all) and throw_ref work\n")
  (data (i32.const 512) "exceptions: ran, but a check gave a wrong result\n")

  (tag $oops (param i32))
  (tag $other)

  (func $throw_oops (param i32) (throw $oops (local.get 0)))

  (func $caught_value (result i32)
    (block $handler (result i32)
      (try_table (catch $oops $handler)
        (call $throw_oops (i32.const 42)))
      (i32.const -1)))

  (func $rethrown_value (result i32)
    ;; catch_ref keeps the exception as an exnref; throw_ref throws it again, to the outer handler
    (block $outer (result i32)
      (try_table (catch $oops $outer)
        (block $inner (result i32 exnref)
          (try_table (catch_ref $oops $inner)
            (call $throw_oops (i32.const 7)))
          (unreachable))
        (throw_ref)
        (drop))
      (i32.const -1)))

  (func $caught_any (result i32)
    (block $handler
      (try_table (catch_all $handler)
        (throw $other))
      (return (i32.const 0)))
    (i32.const 1))

  (func $probe (result i32)
    (i32.and
      (i32.and
        (i32.eq (call $caught_value) (i32.const 42))
        (i32.eq (call $rethrown_value) (i32.const 7)))
      (call $caught_any)))

  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (local $ok i32)
    (local $stdout i32)
    (local.set $ok (call $probe))
    (local.set $stdout (call $get_stdout))
    ;; blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>, written at 0
    (call $write (local.get $stdout)
      (select (i32.const 16) (i32.const 512) (local.get $ok))
      (select (i32.const 78) (i32.const 49) (local.get $ok))
      (i32.const 0))
    (call $drop_stream (local.get $stdout))
    (i32.eqz (local.get $ok))))  ;; 0: run returns ok; 1: an error
