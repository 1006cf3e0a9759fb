;; GC (Wasm 3.0): structs, arrays, i31 references, subtyping and casts.
;; Prints its line when every check gives the value the spec defines; otherwise it prints that
;; a check gave a wrong result, and run returns an error (exit status 1).
(module
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "gc: struct, array, i31, ref.test, ref.cast and br_on_cast work\n")
  (data (i32.const 512) "gc: ran, but a check gave a wrong result\n")

  (type $point (struct (field $x i32) (field $y (mut i32))))
  (type $bytes (array (mut i8)))
  (type $shape (sub (struct (field $sides i32))))
  (type $square (sub final $shape (struct (field $sides i32) (field $side f64))))

  (func $sides_or_i31 (param $value anyref) (result i32)
    ;; br_on_cast: a shape's sides, else an i31's value
    (block $is_shape (result (ref $shape))
      (br_on_cast $is_shape anyref (ref $shape) (local.get $value))
      (return (i31.get_s (ref.cast (ref i31) (local.get $value)))))
    (struct.get $shape $sides))

  (func $probe (result i32)
    (local $point (ref null $point))
    (local $bytes (ref null $bytes))
    (local $square anyref)
    (local.set $point (struct.new $point (i32.const 40) (i32.const 1)))
    (struct.set $point $y (local.get $point) (i32.const 2))
    (local.set $bytes (array.new $bytes (i32.const 7) (i32.const 3)))
    (array.set $bytes (local.get $bytes) (i32.const 1) (i32.const -1))
    (local.set $square (struct.new $square (i32.const 4) (f64.const 1.5)))
    (i32.and
      (i32.and
        (i32.and
          (i32.eq (i32.add (struct.get $point $x (local.get $point)) (struct.get $point $y (local.get $point)))
                  (i32.const 42))
          (i32.eq (array.len (local.get $bytes)) (i32.const 3)))
        (i32.and
          (i32.eq (array.get_s $bytes (local.get $bytes) (i32.const 1)) (i32.const -1))
          (i32.eq (array.get_u $bytes (local.get $bytes) (i32.const 1)) (i32.const 255))))
      (i32.and
        (i32.and
          (i32.eq (i31.get_s (ref.i31 (i32.const -7))) (i32.const -7))
          (i32.and (ref.test (ref $shape) (local.get $square))
                   (i32.eqz (ref.test (ref $point) (local.get $square)))))
        (i32.and
          (i32.eq (call $sides_or_i31 (local.get $square)) (i32.const 4))
          (i32.eq (call $sides_or_i31 (ref.i31 (i32.const 9))) (i32.const 9))))))

  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (local $ok i32)
    (local $stdout i32)
    (local.set $ok (call $probe))
    (local.set $stdout (call $get_stdout))
    ;; blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>, written at 0
    (call $write (local.get $stdout)
      (select (i32.const 16) (i32.const 512) (local.get $ok))
      (select (i32.const 63) (i32.const 41) (local.get $ok))
      (i32.const 0))
    (call $drop_stream (local.get $stdout))
    (i32.eqz (local.get $ok))))  ;; 0: run returns ok; 1: an error
