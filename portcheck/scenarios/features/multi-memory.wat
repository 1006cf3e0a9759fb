;; Multi-memory (Wasm 3.0): a second memory beside the one the canonical ABI uses, with loads,
;; stores, size, grow and memory.copy between the two.
;; Prints its line when every check gives the value the spec defines; otherwise it prints that
;; a check gave a wrong result, and run returns an error (exit status 1).
(module
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "multi-memory: a second memory, its load, store, grow and memory.copy across memories work\n")
  (data (i32.const 512) "multi-memory: ran, but a check gave a wrong result\n")

  (memory $scratch 1 2)
  (data (memory $scratch) (i32.const 8) "two")

  (func $probe (result i32)
    (i32.store $scratch (i32.const 100) (i32.const 0x01020304))
    (memory.copy 0 $scratch (i32.const 512) (i32.const 8) (i32.const 3))
    (i32.and
      (i32.and
        (i32.eq (i32.load8_u $scratch (i32.const 100)) (i32.const 4))
        (i32.eq (i32.load8_u (i32.const 514)) (i32.const 0x6f)))  ;; 'o', copied from the second memory
      (i32.and
        (i32.eq (memory.grow $scratch (i32.const 1)) (i32.const 1))
        (i32.and (i32.eq (memory.size $scratch) (i32.const 2)) (i32.eq (memory.size 0) (i32.const 1))))))

  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (local $ok i32)
    (local $stdout i32)
    (local.set $ok (call $probe))
    (local.set $stdout (call $get_stdout))
    ;; blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>, written at 0
    (call $write (local.get $stdout)
      (select (i32.const 16) (i32.const 512) (local.get $ok))
      (select (i32.const 90) (i32.const 51) (local.get $ok))
      (i32.const 0))
    (call $drop_stream (local.get $stdout))
    (i32.eqz (local.get $ok))))  ;; 0: run returns ok; 1: an error
