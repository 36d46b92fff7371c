# Q: May I release get_user_pages() pages with unpin_user_pages()?
# A: No: get_user_pages() takes plain references (FOLL_GET, put_page());
#    only the pin_user_pages*() family takes the FOLL_PIN pins that
#    unpin_user_page(s)() release (mm/gup.c: gup_put_folio() with
#    FOLL_PIN takes GUP_PIN_COUNTING_BIAS off a small folio's refcount:
#    the page is freed under its mapping). Nothing checks it.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)
page_array pages

thread drv {
  mmap_read_lock(m)
  n = get_user_pages(m, 0x100000, 2, true, pages)
  mmap_read_unlock(m)
  unpin_user_pages(pages, n)
}

expect violation "unpin_user_page/not-pinned" at 16
