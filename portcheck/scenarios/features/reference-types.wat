;; Reference types (Wasm 2.0): externref and funcref values, several tables, table.get, set, grow
;; and size, ref.null, ref.is_null, ref.func and a typed select.
;; Prints its line when every check gives the value the spec defines; otherwise it prints that
;; a check gave a wrong result, and run returns an error (exit status 1).
(module
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "reference-types: externref, funcref, table.get/set/grow/size, ref.func and several tables work\n")
  (data (i32.const 512) "reference-types: ran, but a check gave a wrong result\n")

  (type $number (func (result i32)))
  (table $externs 1 externref)
  (table $funcs 1 funcref)
  (elem declare func $seven)

  (func $seven (result i32) (i32.const 7))

  (func $probe (result i32)
    (local $f funcref)
    (local.set $f (select (result funcref) (ref.func $seven) (ref.null func) (i32.const 1)))
    (table.set $funcs (i32.const 0) (local.get $f))
    (i32.and
      (i32.and
        (i32.eq (table.grow $externs (ref.null extern) (i32.const 3)) (i32.const 1))
        (i32.eq (table.size $externs) (i32.const 4)))
      (i32.and
        (i32.and (ref.is_null (table.get $externs (i32.const 2)))
                 (i32.eqz (ref.is_null (table.get $funcs (i32.const 0)))))
        (i32.eq (call_indirect $funcs (type $number) (i32.const 0)) (i32.const 7)))))

  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (local $ok i32)
    (local $stdout i32)
    (local.set $ok (call $probe))
    (local.set $stdout (call $get_stdout))
    ;; blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>, written at 0
    (call $write (local.get $stdout)
      (select (i32.const 16) (i32.const 512) (local.get $ok))
      (select (i32.const 95) (i32.const 54) (local.get $ok))
      (i32.const 0))
    (call $drop_stream (local.get $stdout))
    (i32.eqz (local.get $ok))))  ;; 0: run returns ok; 1: an error
