# folio_unlock() racing folio_trylock(): unlocking first is
# folio_unlock/not-locked. The unlock of a folio nobody held recorded no
# access to the folio lock, and DPOR took it as independent of the
# trylock and missed the finding (script 2769 of
# TestReductionIsSoundOnGeneratedScripts).
mm m
page p = alloc_page()
thread locker {
  x = folio_trylock(p)
}
thread unlocker {
  folio_unlock(p)
}
expect violation "folio_unlock/not-locked" at 12 sometimes
