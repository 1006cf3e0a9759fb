;; A client written by hand in WAT: prints one line and exits 0. Needs no origin.
(module
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wat\n")
  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (local $stdout i32)
    (local.set $stdout (call $get_stdout))
    ;; blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>, written at 64
    (call $write (local.get $stdout) (i32.const 16) (i32.const 15) (i32.const 64))
    (call $drop_stream (local.get $stdout))
    (i32.const 0)))
