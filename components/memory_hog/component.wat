;; memory_hog: testing:hog/hog.grow. Grows memory 16 pages (1 MiB) at a time and traps when refused.
;; Canonical ABI: result<u32> through a return area at 16: tag byte at +0, u32 at +4.
(module
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
  (func (export "testing:hog/hog#grow") (param $mib i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $mib)))
        (if (i32.eq (memory.grow (i32.const 16)) (i32.const -1)) (then unreachable))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store8 (i32.const 16) (i32.const 0))
    (i32.store (i32.const 20) (i32.div_u (memory.size) (i32.const 16)))
    (i32.const 16))
)
