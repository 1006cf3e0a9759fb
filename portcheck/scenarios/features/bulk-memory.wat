;; Bulk memory (Wasm 2.0): memory.fill, memory.copy (overlapping), memory.init and data.drop of a
;; passive segment, table.init, table.copy and elem.drop of a passive element segment.
;; Prints its line when every check gives the value the spec defines; otherwise it prints that
;; a check gave a wrong result, and run returns an error (exit status 1).
(module
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "bulk-memory: memory.fill, memory.copy, memory.init, data.drop, table.init and table.copy work\n")
  (data (i32.const 512) "bulk-memory: ran, but a check gave a wrong result\n")

  (type $number (func (result i32)))
  (table $table 4 funcref)
  (data $passive "bulk")
  (elem $functions func $five $six)

  (func $five (result i32) (i32.const 5))
  (func $six (result i32) (i32.const 6))

  (func $probe (result i32)
    (memory.fill (i32.const 200) (i32.const 0x61) (i32.const 4))
    (memory.init $passive (i32.const 204) (i32.const 0) (i32.const 4))
    (data.drop $passive)
    (memory.copy (i32.const 202) (i32.const 200) (i32.const 6))  ;; overlapping: behaves as memmove
    (table.init $table $functions (i32.const 0) (i32.const 0) (i32.const 2))
    (elem.drop $functions)
    (table.copy (i32.const 2) (i32.const 0) (i32.const 2))
    (i32.and
      (i32.and
        (i32.eq (i32.load (i32.const 200)) (i32.const 0x61616161))  ;; "aaaa"
        (i32.eq (i32.load (i32.const 204)) (i32.const 0x75626161)))  ;; "aabu"
      (i32.and
        (i32.eq (call_indirect $table (type $number) (i32.const 3)) (i32.const 6))
        (i32.eq (call_indirect $table (type $number) (i32.const 2)) (i32.const 5)))))

  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (local $ok i32)
    (local $stdout i32)
    (local.set $ok (call $probe))
    (local.set $stdout (call $get_stdout))
    ;; blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>, written at 0
    (call $write (local.get $stdout)
      (select (i32.const 16) (i32.const 512) (local.get $ok))
      (select (i32.const 94) (i32.const 50) (local.get $ok))
      (i32.const 0))
    (call $drop_stream (local.get $stdout))
    (i32.eqz (local.get $ok))))  ;; 0: run returns ok; 1: an error
