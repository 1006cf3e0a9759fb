;; A client that never finishes: for timeouts and Ctrl-C.
(module
  (memory (export "memory") 1)
  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (loop $forever (br $forever))
    (i32.const 0)))
