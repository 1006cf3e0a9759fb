;; A server that tries to break the reports: markup and a script in a header value (sent twice,
;; so engines that keep one value diverge on it), a header name and values with `|`, a backtick
;; and a byte that is not UTF-8, and a body with an <img onerror>, a fence and control characters.
(module
  (import "wasi:http/types@0.2.12" "[constructor]fields" (func $fields_new (result i32)))
  (import "wasi:http/types@0.2.12" "[method]fields.append" (func $append (param i32 i32 i32 i32 i32 i32)))
  (import "wasi:http/types@0.2.12" "[constructor]outgoing-response" (func $response_new (param i32) (result i32)))
  (import "wasi:http/types@0.2.12" "[method]outgoing-response.set-status-code"
    (func $set_status (param i32 i32) (result i32)))
  (import "wasi:http/types@0.2.12" "[method]outgoing-response.body" (func $response_body (param i32 i32)))
  (import "wasi:http/types@0.2.12" "[static]response-outparam.set"
    (func $outparam_set (param i32 i32 i32 i32 i64 i32 i32 i32 i32)))
  (import "wasi:http/types@0.2.12" "[method]outgoing-body.write" (func $body_write (param i32 i32)))
  (import "wasi:http/types@0.2.12" "[static]outgoing-body.finish" (func $body_finish (param i32 i32 i32 i32)))
  (import "wasi:http/types@0.2.12" "[resource-drop]incoming-request" (func $drop_request (param i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop_stream (param i32)))
  (memory (export "memory") 1)
  ;; A bump allocator: the component model needs one to hand the guest any list or string.
  (global $next (mut i32) (i32.const 4096))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $at i32)
    (local.set $at (i32.and (i32.add (global.get $next) (i32.const 7)) (i32.const -8)))
    (global.set $next (i32.add (local.get $at) (local.get 3)))
    (local.get $at))
  (data (i32.const 1024) "x-evil")
  (data (i32.const 1040) "<script>alert(1)</script>")
  (data (i32.const 1072) "x|pipe")
  (data (i32.const 1088) "a|b")
  (data (i32.const 1104) "c`d|\ff")
  (data (i32.const 1120) "<img src=x onerror=alert(2)> | ``` \01\1b[31m end\n")
  ;; Results come back through a return area at 2048: discriminant at 2048, payload at 2052.
  ;; An engine may refuse a header line (append then returns an error, ignored here): that is
  ;; a difference the reports must show, not a reason to stop.
  (func $header (param $headers i32) (param $name i32) (param $name_len i32) (param $value i32) (param $value_len i32)
    (call $append (local.get $headers) (local.get $name) (local.get $name_len)
      (local.get $value) (local.get $value_len) (i32.const 2048)))
  (func (export "wasi:http/incoming-handler@0.2.12#handle") (param $request i32) (param $out i32)
    (local $headers i32) (local $response i32) (local $body i32) (local $stream i32)
    (local.set $headers (call $fields_new))
    (call $header (local.get $headers) (i32.const 1024) (i32.const 6) (i32.const 1040) (i32.const 25))
    (call $header (local.get $headers) (i32.const 1024) (i32.const 6) (i32.const 1040) (i32.const 25))
    (call $header (local.get $headers) (i32.const 1072) (i32.const 6) (i32.const 1088) (i32.const 3))
    (call $header (local.get $headers) (i32.const 1072) (i32.const 6) (i32.const 1104) (i32.const 5))
    (local.set $response (call $response_new (local.get $headers)))
    (drop (call $set_status (local.get $response) (i32.const 200)))
    (call $response_body (local.get $response) (i32.const 2048))
    (local.set $body (i32.load (i32.const 2052)))
    (call $outparam_set (local.get $out) (i32.const 0) (local.get $response)
      (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
    (call $body_write (local.get $body) (i32.const 2048))
    (local.set $stream (i32.load (i32.const 2052)))
    (call $write (local.get $stream) (i32.const 1120) (i32.const 46) (i32.const 2048))
    (call $drop_stream (local.get $stream))
    (call $body_finish (local.get $body) (i32.const 0) (i32.const 0) (i32.const 2048))
    (call $drop_request (local.get $request))))
