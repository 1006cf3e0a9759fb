;; Typed function references (Wasm 3.0): (ref $type) values, call_ref, ref.as_non_null, br_on_null
;; and br_on_non_null, and non-nullable locals.
;; Prints its line when every check gives the value the spec defines; otherwise it prints that
;; a check gave a wrong result, and run returns an error (exit status 1).
(module
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "function-references: call_ref, ref.as_non_null, br_on_null and br_on_non_null work\n")
  (data (i32.const 512) "function-references: ran, but a check gave a wrong result\n")

  (type $binop (func (param i32 i32) (result i32)))
  (elem declare func $add $mul)

  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $mul (type $binop) (i32.mul (local.get 0) (local.get 1)))

  (func $apply (param $f (ref $binop)) (param $a i32) (param $b i32) (result i32)
    (call_ref $binop (local.get $a) (local.get $b) (local.get $f)))

  (func $or_minus_one (param $f (ref null $binop)) (result i32)
    ;; br_on_null: a null reference takes the branch; otherwise it goes on as (ref $binop)
    (block $null
      (return (call $apply (br_on_null $null (local.get $f)) (i32.const 3) (i32.const 4))))
    (i32.const -1))

  (func $non_null_or_zero (param $f (ref null $binop)) (result i32)
    (local $present (ref $binop))  ;; non-nullable: valid because it is set before any use
    (block $is_present (result (ref $binop))
      (br_on_non_null $is_present (local.get $f))
      (return (i32.const 0)))
    (local.set $present)
    (call_ref $binop (i32.const 2) (i32.const 5) (local.get $present)))

  (func $probe (result i32)
    (local $chosen (ref $binop))
    (local.set $chosen (ref.as_non_null (ref.func $mul)))
    (i32.and
      (i32.and
        (i32.eq (call $apply (local.get $chosen) (i32.const 6) (i32.const 7)) (i32.const 42))
        (i32.eq (call $or_minus_one (ref.func $add)) (i32.const 7)))
      (i32.and
        (i32.eq (call $or_minus_one (ref.null $binop)) (i32.const -1))
        (i32.eq (call $non_null_or_zero (ref.func $mul)) (i32.const 10)))))

  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (local $ok i32)
    (local $stdout i32)
    (local.set $ok (call $probe))
    (local.set $stdout (call $get_stdout))
    ;; blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>, written at 0
    (call $write (local.get $stdout)
      (select (i32.const 16) (i32.const 512) (local.get $ok))
      (select (i32.const 83) (i32.const 58) (local.get $ok))
      (i32.const 0))
    (call $drop_stream (local.get $stdout))
    (i32.eqz (local.get $ok))))  ;; 0: run returns ok; 1: an error
