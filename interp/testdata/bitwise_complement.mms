# C's ~ (bitwise complement), as kernel code clears flags: mm/gup.c
# (v4.8) faultin_page() "*flags &= ~FOLL_WRITE", vm_flags & ~VM_WRITE.

x = FOLL_WRITE | FOLL_FORCE
x &= ~FOLL_WRITE
assert x == FOLL_FORCE, "&= ~ clears the bit"
assert ~0 == -1
assert ~x & FOLL_FORCE == 0
assert -~5 == 6, "~ binds like - and !"
assert (VM_READ | VM_WRITE) & ~VM_WRITE == VM_READ

expect ok
