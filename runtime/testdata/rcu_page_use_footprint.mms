# folio_test_locked() on a page another thread frees with call_rcu(): the
# check for a use after the RCU free reads the page, so the step depends
# on the free. It declared only the folio lock, and the reduced search
# took it as independent of the free and missed the finding (script 2717
# of TestReductionIsSoundOnGeneratedScripts); checkPage now records the
# read for every use of a page, checkTable for every use of a PTE table.
mm m
page p = alloc_page()
thread tester {
  x = folio_test_locked(p)
}
thread freer {
  call_rcu(p)
}
expect violation "rcu/use-after-free" at 10 sometimes
