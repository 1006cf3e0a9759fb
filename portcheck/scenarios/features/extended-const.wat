;; Extended constant expressions (Wasm 3.0): i32.add, i32.sub, i32.mul and their i64 forms in
;; global initializers and in a data segment's offset.
;; Prints its line when every check gives the value the spec defines; otherwise it prints that
;; a check gave a wrong result, and run returns an error (exit status 1).
(module
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "extended-const: add, sub and mul in global initializers and a data offset work\n")
  (data (i32.const 512) "extended-const: ran, but a check gave a wrong result\n")

  (global $answer i32 (i32.add (i32.const 1000) (i32.mul (i32.const 6) (i32.const 7))))
  (global $wide i64 (i64.sub (i64.mul (i64.const 1000000) (i64.const 1000000)) (i64.const 1)))
  (data (i32.add (i32.const 200) (i32.mul (i32.const 8) (i32.const 7))) "\2a")

  (func $probe (result i32)
    (i32.and
      (i32.and
        (i32.eq (global.get $answer) (i32.const 1042))
        (i64.eq (global.get $wide) (i64.const 999999999999)))
      (i32.eq (i32.load8_u (i32.const 256)) (i32.const 42))))

  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (local $ok i32)
    (local $stdout i32)
    (local.set $ok (call $probe))
    (local.set $stdout (call $get_stdout))
    ;; blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>, written at 0
    (call $write (local.get $stdout)
      (select (i32.const 16) (i32.const 512) (local.get $ok))
      (select (i32.const 79) (i32.const 53) (local.get $ok))
      (i32.const 0))
    (call $drop_stream (local.get $stdout))
    (i32.eqz (local.get $ok))))  ;; 0: run returns ok; 1: an error
