# Q: May an old driver call lock_page() under a spinlock, unlock_page() a
#    page it never locked, or ignore trylock_page()'s result?
# A: No. lock_page() is folio_lock(page_folio(page)) (include/linux/
#    pagemap.h): it sleeps while another task holds the folio lock, so not
#    under a spinlock ("BUG: sleeping function called from invalid
#    context", CONFIG_DEBUG_ATOMIC_SLEEP). unlock_page() of a page that is
#    not locked trips folio_unlock()'s VM_BUG_ON_FOLIO (CONFIG_DEBUG_VM). A
#    failed trylock_page() means another task holds the lock: the caller's
#    unlock_page() then clears PG_locked under it, which nothing notices,
#    and the holder's own unlock_page() finds the page unlocked.

mm m
page p = alloc_page()
page q = alloc_page()
spinlock drv_lock

thread atomic {
  spin_lock(drv_lock)
  lock_page(p)
  unlock_page(p)
  spin_unlock(drv_lock)
  unlock_page(p)
}

thread holder {
  lock_page(q)
  unlock_page(q)
}

thread trier {
  trylock_page(q)
  unlock_page(q)
}

expect violation "lock/sleep-in-atomic" at 19
expect violation "folio_unlock/not-locked" at 22
expect violation "trylock_page/failure-ignored" at 32 sometimes
expect violation "folio_unlock/not-locked" at 27 sometimes
