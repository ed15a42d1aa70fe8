;; fibo_workflow: template-fibo:workflow/fibo-workflow-ifc, the seed's example workflow.
;;   fiboa(n, iterations)            calls the activity directly `iterations` times, returns the last ok.
;;   fiboa-concurrent(n, iterations) submits `iterations` calls to one join set, awaits them all.
;; Both return ok 0 when iterations is 0 and err (no payload) when any call yields an err.
;;
;; Canonical ABI layouts used below (every result type here is returned through a return area):
;;   result<u64>                                      tag @0, u64 @8
;;   execution-id = record { id: string }             ptr @0, len @4
;;   result<tuple<execution-id, result<u64>>, E>      tag @0, id.ptr @8, id.len @12, inner tag @16, u64 @24
;;                                                    (64 bytes in all: E is 52 bytes at offset 8)
(module
  (import "template-fibo:activity/fibo-activity-ifc" "fibo"
    (func $fibo (param i32 i32)))
  (import "obelisk:workflow/workflow-support@5.1.0" "join-set-create"
    (func $join_set_create (result i32)))
  (import "template-fibo:activity-obelisk-ext/fibo-activity-ifc" "fibo-submit"
    (func $fibo_submit (param i32 i32 i32)))
  (import "template-fibo:activity-obelisk-ext/fibo-activity-ifc" "fibo-await-next"
    (func $fibo_await_next (param i32 i32)))
  (import "obelisk:types/join-set@4.2.0" "[resource-drop]join-set"
    (func $join_set_drop (param i32)))

  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))

  ;; Return areas (fixed, below the heap).
  (global $OUT i32 (i32.const 16))
  (global $FIBO_RET i32 (i32.const 64))
  (global $SUBMIT_RET i32 (i32.const 128))
  (global $AWAIT_RET i32 (i32.const 192))

  ;; Bump allocator for strings the host writes into guest memory (execution ids); never frees,
  ;; grows memory when needed.
  (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $ptr i32) (local $end i32)
    (local.set $ptr (i32.and
      (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
      (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $ptr) (local.get $size)))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then (if (i32.eq (memory.grow (i32.add
                  (i32.div_u (i32.sub (local.get $end) (i32.mul (memory.size) (i32.const 65536))) (i32.const 65536))
                  (i32.const 1))) (i32.const -1))
        (then unreachable))))
    (global.set $heap (local.get $end))
    (local.get $ptr))

  (func $ok (param $v i64) (result i32)
    (i32.store8 (global.get $OUT) (i32.const 0))
    (i64.store (i32.add (global.get $OUT) (i32.const 8)) (local.get $v))
    (global.get $OUT))

  (func $err (result i32)
    (i32.store8 (global.get $OUT) (i32.const 1))
    (global.get $OUT))

  (func (export "template-fibo:workflow/fibo-workflow-ifc#fiboa") (param $n i32) (param $iterations i32) (result i32)
    (local $i i32) (local $last i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $iterations)))
        (call $fibo (local.get $n) (global.get $FIBO_RET))
        (if (i32.load8_u (global.get $FIBO_RET)) (then (return (call $err))))
        (local.set $last (i64.load (i32.add (global.get $FIBO_RET) (i32.const 8))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $ok (local.get $last)))

  (func (export "template-fibo:workflow/fibo-workflow-ifc#fiboa-concurrent") (param $n i32) (param $iterations i32) (result i32)
    (local $js i32) (local $i i32) (local $last i64)
    (local.set $js (call $join_set_create))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $iterations)))
        (call $fibo_submit (local.get $js) (local.get $n) (global.get $SUBMIT_RET))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $iterations)))
        (call $fibo_await_next (local.get $js) (global.get $AWAIT_RET))
        ;; err(await-next-extension-error) or an err from the child: the workflow returns err.
        (if (i32.or
              (i32.load8_u (global.get $AWAIT_RET))
              (i32.load8_u (i32.add (global.get $AWAIT_RET) (i32.const 16))))
          (then
            (call $join_set_drop (local.get $js))
            (return (call $err))))
        (local.set $last (i64.load (i32.add (global.get $AWAIT_RET) (i32.const 24))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $join_set_drop (local.get $js))
    (call $ok (local.get $last)))
)
