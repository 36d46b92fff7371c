package runtime

import (
	"strings"
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

func TestExplainText(t *testing.T) {
	for _, c := range []struct {
		name string
		want []string // substrings of the answer
	}{
		{"vm_insert_page", []string{"vm_insert_page (rule book §2.1)", "vm_insert_page/pfnmap", "script:  vm_insert_page(vma, addr, page)",
			"cites:   mm/memory.c: vm_insert_page(): BUG_ON(mmap_read_trylock(vma->vm_mm))", "usage:\n    /* in f_op->mmap"}},
		{"vm_insert_page()", []string{"vm_insert_page (rule book §2.1)"}},
		{"fault", []string{"vm_ops->fault (rule book §2.26)", "FAULT_FLAG_VMA_LOCK"}},
		{"map_pages", []string{"vm_ops->map_pages", "rcu_read_lock()"}},
		{"page_mkwrite", []string{"vm_ops->page_mkwrite"}},
		{"huge_fault", []string{"vm_ops->huge_fault"}},
		{"pfn_mkwrite", []string{"vm_ops->pfn_mkwrite"}},
		{"open", []string{"vm_ops->open"}},
		{"close", []string{"vm_ops->close"}},
		{"mmap", []string{"mmap (rule book §2.28)", "f_op->mmap (rule book §2.28)"}},
		{"mmap_prepare", []string{"f_op->mmap_prepare"}},
		{"->fault", []string{"vm_ops->fault (rule book"}},
		{"f_op->mmap", []string{"f_op->mmap (rule book"}},
		{"vmf", []string{"struct vm_fault", "vmf.vma_lock: FAULT_FLAG_VMA_LOCK"}},
		{"vma", []string{"struct vm_area_struct", "vma.vm_start: vma->vm_start"}},
		{"mm", []string{"struct mm_struct", "mm.mmap_lock"}},
		{"page", []string{"struct page", "page.refcount"}},
		{"vmf.address", []string{"vmf->address"}},
		{"vm_flags", []string{"vma.vm_flags: ", "vm_flags_set"}},
		{"VM_FAULT_RETRY", []string{"VM_FAULT_RETRY = 0x400", "release_fault_lock"}},
		{"VM_MIXEDMAP", []string{"vm_flags bit"}},
		{"EBUSY", []string{"errno 16"}},
		{"zap_page_range_single", []string{"renamed zap_vma_range()", "zap_page_range_single (rule book §2.8)", "details=nil"}},
		{"unmap_page_range", []string{"unmap_vmas (rule book"}},
		{"pin_user_pages_fast", []string{"kernel/gup_fast.mms", "FOLL_PIN"}},
		{"walk_page_range_novma", []string{"walk_kernel_page_table_range()", "walk_page_range_debug (rule book"}},
		{"pte_offset_map", []string{"rcu_read_lock()", "pte_unmap"}},
		{"vm_area_struct", []string{"script type vma", "vma.vm_start: vma->vm_start"}},
		{"FAULT_FLAG_VMA_LOCK", []string{"vmf.vma_lock: FAULT_FLAG_VMA_LOCK"}},
		{"mmap_assert_write_locked", []string{"WARN_ON(!(count & RWSEM_WRITER_LOCKED))", "kernel/stack.mms"}},
		{"assert_fault_locked", []string{"do_page_mkwrite() replaces vmf->flags", "vm_ops->fault"}},
		{"unpin_user_pages", []string{"FOLL_PIN", "pin_user_pages (rule book"}},
		{"pte_offset_map_ro_nolock", []string{"pmd_same()"}},
		{"lock_next_vma", []string{"kernel/vma_lock.mms", "vma_start_read(mm, vma)", "from_addr >= locked.vm_end"}},
		{"locks", []string{"mmap read lock", "mmap write lock", "VMA read lock", "VMA write lock", "rmap lock", "PTL", "RCU", "install"}},
		{"fault-handler", []string{"vm_ops->fault", "vm_ops->map_pages", "fault/dropped-lock", "release_fault_lock"}},
		{"user-access", []string{"copy_to_user()", "might_lock_read", "uaccess/might-fault-under-mmap-lock"}},
		{"atomic-context", []string{"sched/scheduling-while-atomic (kernel: WARN)", "lock/sleep-in-atomic (kernel: debug-only, CONFIG_DEBUG_ATOMIC_SLEEP)", "rcu/context-switch-in-reader", "sched/schedule-irqs-off (kernel: unchecked)"}},
		{"sched/scheduling-while-atomic", []string{"(rule)", "schedule_debug()", "kernel:  WARN", "checked for: ", "msleep"}},
		{"lock/sleep-in-atomic", []string{"printed only with CONFIG_DEBUG_ATOMIC_SLEEP", "checked for: "}},
		{"copy_from_user", []string{"might_fault()", "kernel/uaccess.mms", "uaccess/might-fault-under-mmap-lock"}},
		{"pte_entry", []string{"PTE lock", "walk_page_range (rule book"}},
	} {
		got, err := ExplainText(c.name)
		if err != nil {
			t.Errorf("explain %s: %v", c.name, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("explain %s lacks %q:\n%s", c.name, w, got)
			}
		}
	}
}

func TestExplainDidYouMean(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"vm_insrt_page", "did you mean vm_insert_page"},
		{"zap_vma_rang", "did you mean zap_vma_range"},
		{"VM_FAULT_RETYR", "did you mean VM_FAULT_RETRY"},
		{"lock", "did you mean"}, // a type: answered, see below
		{"page_mkwirte", "did you mean page_mkwrite"},
		{"fault_handler", "did you mean fault-handler"},
		{"xyzzy_plugh", "topics: locks, fault-handler, user-access, atomic-context"},
		{"pfn", "several types"},
	} {
		got, err := ExplainText(c.name)
		if c.name == "lock" {
			if err != nil || !strings.Contains(got, "lock (script type)") {
				t.Errorf("explain lock = %q, %v; want the lock type", got, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("explain %s: no error, got\n%s", c.name, got)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("explain %s: error %q lacks %q", c.name, err, c.want)
		}
	}
}

// TestExplainAnswersEveryName: every API, alias target, field and constant
// has an answer with a description, so a new entry, field or constant
// cannot go unexplained.
func TestExplainAnswersEveryName(t *testing.T) {
	for _, n := range ExplainNames() {
		got, err := ExplainText(n)
		if err != nil || strings.TrimSpace(got) == "" {
			t.Errorf("explain %s: %q, %v", n, got, err)
		}
	}
	for n, al := range aliases {
		if LookupAPI(n) != nil {
			t.Errorf("alias %s is now a rule-book entry of its own: drop the alias", n)
		}
		if _, isAlias := aliases[al.Target]; isAlias {
			t.Errorf("alias %s points to %s, another alias", n, al.Target)
		}
		if _, err := ExplainText(al.Target); al.Target != "" && err != nil {
			t.Errorf("alias %s points to %s, which explain does not answer: %v", n, al.Target, err)
		}
	}
	for h, full := range handlerNames {
		if LookupAPI(full) == nil {
			t.Errorf("handler %s: no rule-book entry %s", h, full)
		}
	}
	for _, slot := range []string{"fault", "map_pages", "page_mkwrite", "huge_fault", "pfn_mkwrite", "open", "close", "mmap", "mmap_prepare"} {
		if _, err := ExplainText(slot); err != nil {
			t.Errorf("explain %s: %v", slot, err)
		}
	}
	for _, ty := range scriptTypes {
		if typeDocs[ty] == "" {
			t.Errorf("type %s has no description in typeDocs", ty)
		}
		for _, f := range FieldNames(ty) {
			if fieldDocs[ty.String()+"."+f] == "" {
				t.Errorf("field %s.%s has no description in fieldDocs", ty, f)
			}
		}
	}
	for n := range Constants {
		if constDocs[n] == "" {
			t.Errorf("constant %s has no description in constDocs", n)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"fault", "fualt", 2}, {"same", "same", 0}} {
		if got := EditDistance(c.a, c.b); got != c.d {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}

// TestEveryVMFlagIsAConstant: every flag mmap's vm= accepts can also be
// tested and cleared by its kernel name in an expression.
func TestEveryVMFlagIsAConstant(t *testing.T) {
	for _, name := range mmcore.VMFlagNames() {
		f, _ := mmcore.ParseVMFlag(name)
		if v, ok := Constants[name]; !ok || v != int64(f) {
			t.Errorf("%s: constant %d, %v; want %#x", name, v, ok, f)
		}
	}
}
