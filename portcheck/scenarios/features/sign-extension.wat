;; Sign-extension operators (Wasm 2.0): i32.extend8_s, i32.extend16_s, i64.extend8_s,
;; i64.extend16_s and i64.extend32_s.
;; Prints its line when every check gives the value the spec defines; otherwise it prints that
;; a check gave a wrong result, and run returns an error (exit status 1).
(module
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "sign-extension: i32.extend8_s, i32.extend16_s and i64.extend8_s/16_s/32_s work\n")
  (data (i32.const 512) "sign-extension: ran, but a check gave a wrong result\n")

  (func $probe (result i32)
    (i32.and
      (i32.and
        (i32.eq (i32.extend8_s (i32.const 0x80)) (i32.const -128))
        (i32.eq (i32.extend16_s (i32.const 0x17fff)) (i32.const 0x7fff)))
      (i32.and
        (i32.and
          (i64.eq (i64.extend8_s (i64.const 0xff)) (i64.const -1))
          (i64.eq (i64.extend16_s (i64.const 0x8000)) (i64.const -32768)))
        (i64.eq (i64.extend32_s (i64.const 0x80000000)) (i64.const -2147483648)))))

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
