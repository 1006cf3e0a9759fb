;; Memory64 (Wasm 3.0): a memory indexed by i64, with i64 addresses in loads, stores and a data
;; segment's offset, and memory.size and memory.grow in pages as i64. The canonical ABI needs a
;; 32-bit memory, so the 64-bit one lives in a core module of its own ($feature): a module with
;; both would need multi-memory too.
;; Prints its line when every check gives the value the spec defines; otherwise it prints that
;; a check gave a wrong result, and run returns an error (exit status 1).
;; The WASI imports the line is printed with, as `wasm-tools component new` writes them for a
;; module importing get-stdout, blocking-write-and-flush and the stream's resource-drop.
(component
  (import "wasi:io/error@0.2.12" (instance $wasi-io-error (export "error" (type (sub resource)))))
  (alias export $wasi-io-error "error" (type $error))
  (import "wasi:io/streams@0.2.12" (instance $wasi-io-streams
    (export "output-stream" (type (sub resource)))
    (alias outer 1 $error (type))
    (export "error" (type (eq 1)))
    (type (own 2))
    (type (variant (case "last-operation-failed" 3) (case "closed")))
    (export "stream-error" (type (eq 4)))
    (type (borrow 0))
    (type (list u8))
    (type (result (error 5)))
    (type (func (param "self" 6) (param "contents" 7) (result 8)))
    (export "[method]output-stream.blocking-write-and-flush" (func (type 9)))))
  (alias export $wasi-io-streams "output-stream" (type $output-stream))
  (import "wasi:cli/stdout@0.2.12" (instance $wasi-cli-stdout
    (alias outer 1 $output-stream (type))
    (export "output-stream" (type (eq 0)))
    (type (own 1))
    (type (func (result 2)))
    (export "get-stdout" (func (type 3)))))

  ;; The canonical ABI writes through a 32-bit, unshared memory: the only memory $main has.
  (core module $io-memory (memory (export "memory") 1))
  (core instance $io-memory (instantiate $io-memory))
  (alias core export $io-memory "memory" (core memory $memory))
  (core instance $env (export "memory" (memory $memory)))
  (alias export $wasi-cli-stdout "get-stdout" (func $get-stdout))
  (alias export $wasi-io-streams "[method]output-stream.blocking-write-and-flush" (func $blocking-write))
  (core func $get-stdout (canon lower (func $get-stdout)))
  (core func $blocking-write (canon lower (func $blocking-write) (memory $memory)))
  (core func $drop-stream (canon resource.drop $output-stream))
  (core instance $wasi
    (export "get-stdout" (func $get-stdout))
    (export "blocking-write-and-flush" (func $blocking-write))
    (export "drop-stream" (func $drop-stream)))

  (core module $feature
    (memory $wide i64 1)
    (data (i64.const 0x100) "sixty-four")
    (func (export "probe") (result i32)
      (i64.store (i64.const 0x200) (i64.const 0x1122334455667788))
      (i32.and
        (i32.and
          (i64.eq (i64.load (i64.const 0x200)) (i64.const 0x1122334455667788))
          (i32.eq (i32.load8_u (i64.const 0x102)) (i32.const 0x78)))  ;; 'x' of "sixty-four"
        (i32.and
          (i64.eq (memory.grow (i64.const 1)) (i64.const 1))
          (i64.eq (memory.size) (i64.const 2))))))
  (core instance $feature (instantiate $feature))

  (core module $main
    (import "env" "memory" (memory 1))
    (import "feature" "probe" (func $probe (result i32)))
    (import "wasi" "get-stdout" (func $get_stdout (result i32)))
    (import "wasi" "blocking-write-and-flush" (func $write (param i32 i32 i32 i32)))
    (import "wasi" "drop-stream" (func $drop_stream (param i32)))
    (data (i32.const 16) "memory64: i64 addresses, data offset, memory.size and memory.grow work\n")
    (data (i32.const 512) "memory64: ran, but a check gave a wrong result\n")

    (func (export "run") (result i32)
      (local $ok i32)
      (local $stdout i32)
      (local.set $ok (call $probe))
      (local.set $stdout (call $get_stdout))
      ;; blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>, written at 0
      (call $write (local.get $stdout)
        (select (i32.const 16) (i32.const 512) (local.get $ok))
        (select (i32.const 71) (i32.const 47) (local.get $ok))
        (i32.const 0))
      (call $drop_stream (local.get $stdout))
      (i32.eqz (local.get $ok))))  ;; 0: run returns ok; 1: an error
  (core instance $main (instantiate $main
    (with "env" (instance $env)) (with "feature" (instance $feature)) (with "wasi" (instance $wasi))))

  (func $run (result (result)) (canon lift (core func $main "run")))
  (instance $run (export "run" (func $run)))
  (export "wasi:cli/run@0.2.12" (instance $run)))
