;; test_activity: testing:activity/ops, the activity behaviours engine tests need (see wit/world.wit).
;; Canonical ABI: strings arrive as (ptr, len) in memory the host allocated with cabi_realloc; every
;; result here is returned through the return area at $RET: tag byte at +0, payload at +4 (strings,
;; u32, the op-error variant) or +8 (u64). Returned strings point back at the argument's bytes.
(module
  (import "wasi:clocks/monotonic-clock@0.2.0" "now" (func $now (result i64)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (global $RET i32 (i32.const 16))

  ;; Bump allocator (never frees: an activity instance serves one call); grows memory when needed.
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

  ;; result<string, _> with the given tag (0 ok, 1 err) and the string (ptr, len).
  (func $string_result (param $tag i32) (param $ptr i32) (param $len i32) (result i32)
    (i32.store8 (global.get $RET) (local.get $tag))
    (i32.store offset=4 (global.get $RET) (local.get $ptr))
    (i32.store offset=8 (global.get $RET) (local.get $len))
    (global.get $RET))

  (func (export "testing:activity/ops#echo") (param $ptr i32) (param $len i32) (result i32)
    (call $string_result (i32.const 0) (local.get $ptr) (local.get $len)))

  (func (export "testing:activity/ops#fail") (param $ptr i32) (param $len i32) (result i32)
    (call $string_result (i32.const 1) (local.get $ptr) (local.get $len)))

  ;; err(op-error.permanent-failure(s)): the variant sits at +4: its tag at +4, its string at +8.
  (func (export "testing:activity/ops#fail-permanent") (param $ptr i32) (param $len i32) (result i32)
    (i32.store8 (global.get $RET) (i32.const 1))
    (i32.store8 offset=4 (global.get $RET) (i32.const 0))
    (i32.store offset=8 (global.get $RET) (local.get $ptr))
    (i32.store offset=12 (global.get $RET) (local.get $len))
    (global.get $RET))

  (func (export "testing:activity/ops#trap") (result i32)
    unreachable)

  ;; Reads the clock every 1024 iterations until `ms` milliseconds have passed.
  (func (export "testing:activity/ops#spin") (param $ms i32) (result i32)
    (local $until i64) (local $i i32)
    (local.set $until (i64.add (call $now) (i64.mul (i64.extend_i32_u (local.get $ms)) (i64.const 1000000))))
    (block $done
      (loop $again
        (br_if $done (i64.ge_u (call $now) (local.get $until)))
        (local.set $i (i32.const 1024))
        (loop $busy
          (local.set $i (i32.sub (local.get $i) (i32.const 1)))
          (br_if $busy (local.get $i)))
        (br $again)))
    (i32.store8 (global.get $RET) (i32.const 0))
    (i32.store offset=4 (global.get $RET) (local.get $ms))
    (global.get $RET))

  (func (export "testing:activity/ops#add") (param $a i64) (param $b i64) (result i32)
    (i32.store8 (global.get $RET) (i32.const 0))
    (i64.store offset=8 (global.get $RET) (i64.add (local.get $a) (local.get $b)))
    (global.get $RET))
)
