# Q: Who drops the reference on a page, and what if two paths both do?
# A: Each reference is dropped once, by whoever took it (alloc_page(),
#    get_page(), GUP). A second put_page() after the count reached zero is a
#    double free: the debug kernel BUGs (include/linux/mm.h:
#    put_page_testzero() VM_BUG_ON_PAGE(page_ref_count(page) == 0, page));
#    a production kernel frees the page twice. Taking a reference needs one
#    already held: get_page() on a freed page is VM_BUG_ON_FOLIO in
#    folio_get().

page p = alloc_page()
page q = alloc_page()

thread owner {
  get_page(p)
  put_page(p)
  put_page(p)
  put_page(p)
  put_page(q)
  get_page(q)
}

expect violation "put_page/freed-page" at 17
expect violation "get_page/freed-page" at 19
