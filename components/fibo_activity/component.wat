;; fibo_activity: template-fibo:activity/fibo-activity-ifc.fibo, iterative Fibonacci.
;; fibo(0) = 0, fibo(1) = 1, sums wrap around at 2^64 (i64.add). Never returns err.
;; Canonical ABI: result<u64> is returned through a return area: tag byte at +0, u64 at +8.
(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))

  ;; Bump allocator (never frees); grows memory when needed. Nothing here allocates today, but the
  ;; canonical ABI requires cabi_realloc to be exported.
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

  (func (export "template-fibo:activity/fibo-activity-ifc#fibo") (param $n i32) (result i32)
    (local $a i64) (local $b i64) (local $t i64) (local $i i32)
    (local.set $b (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $t (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store8 (i32.const 16) (i32.const 0))
    (i64.store (i32.const 24) (local.get $a))
    (i32.const 16))
)
