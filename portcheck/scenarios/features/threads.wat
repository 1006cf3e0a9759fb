;; Threads (phase 4): a shared memory and the atomic instructions on it, in one thread. The
;; component model allows a shared memory only where the canonical ABI does not use it:
;; `wasm-tools component new` refuses a module whose exported memory is shared ("mismatch in the
;; shared flag for memories"), and WASI 0.2 has no way to start a thread. So the shared memory
;; lives in a core module of its own ($feature), which a module with one memory can call.
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
    (memory $shared 1 1 shared)
    (func (export "probe") (result i32)
      (i32.atomic.store (i32.const 64) (i32.const 40))
      (atomic.fence)
      (i32.and
        (i32.and
          (i32.eq (i32.atomic.rmw.add (i32.const 64) (i32.const 2)) (i32.const 40))
          (i32.eq (i32.atomic.rmw.cmpxchg (i32.const 64) (i32.const 42) (i32.const 7)) (i32.const 42)))
        (i32.and
          (i32.eq (i32.atomic.load (i32.const 64)) (i32.const 7))
          (i32.and
            ;; nobody waits, so notify wakes 0; a wait for a value that is not there returns 1
            (i32.eqz (memory.atomic.notify (i32.const 64) (i32.const 1)))
            (i32.eq (memory.atomic.wait32 (i32.const 64) (i32.const 99) (i64.const 0)) (i32.const 1)))))))
  (core instance $feature (instantiate $feature))

  (core module $main
    (import "env" "memory" (memory 1))
    (import "feature" "probe" (func $probe (result i32)))
    (import "wasi" "get-stdout" (func $get_stdout (result i32)))
    (import "wasi" "blocking-write-and-flush" (func $write (param i32 i32 i32 i32)))
    (import "wasi" "drop-stream" (func $drop_stream (param i32)))
    (data (i32.const 16) "threads: a shared memory with atomic load, store, rmw.add, cmpxchg, notify and wait32 works\n")
    (data (i32.const 512) "threads: ran, but a check gave a wrong result\n")

    (func (export "run") (result i32)
      (local $ok i32)
      (local $stdout i32)
      (local.set $ok (call $probe))
      (local.set $stdout (call $get_stdout))
      ;; blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>, written at 0
      (call $write (local.get $stdout)
        (select (i32.const 16) (i32.const 512) (local.get $ok))
        (select (i32.const 92) (i32.const 46) (local.get $ok))
        (i32.const 0))
      (call $drop_stream (local.get $stdout))
      (i32.eqz (local.get $ok))))  ;; 0: run returns ok; 1: an error
  (core instance $main (instantiate $main
    (with "env" (instance $env)) (with "feature" (instance $feature)) (with "wasi" (instance $wasi))))

  (func $run (result (result)) (canon lift (core func $main "run")))
  (instance $run (export "run" (func $run)))
  (export "wasi:cli/run@0.2.12" (instance $run)))
