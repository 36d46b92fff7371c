package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/lang"
)

// A reference taken or dropped on a page whose count reached zero is the
// debug kernel's VM_BUG_ON (folio_get(), put_page_testzero()), not a
// script error; a page freed through RCU is reported once, as
// rcu/use-after-free.
func TestPageRefOnFreedPage(t *testing.T) {
	for _, tc := range []struct {
		name string
		ops  []string
		rcu  bool
		want []string
	}{
		{"balanced", []string{"get_page", "put_page", "put_page"}, false, nil},
		{"double put", []string{"put_page", "put_page"}, false, []string{"put_page/freed-page"}},
		{"get after free", []string{"put_page", "get_page"}, false, []string{"get_page/freed-page"}},
		{"get after kfree_rcu", []string{"get_page"}, true, []string{"rcu/use-after-free"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := NewKernel()
			tk := k.NewTask("t")
			p, err := k.Mem.AllocPage()
			if err != nil {
				t.Fatal(err)
			}
			if tc.rcu {
				do(t, k, tk, "kfree_rcu", pageV(p))
				do(t, k, tk, "synchronize_rcu")
			}
			for _, op := range tc.ops {
				do(t, k, tk, op, pageV(p))
			}
			wantRules(t, k, tc.want...)
		})
	}
}

func TestDiagnosticScriptLine(t *testing.T) {
	script := lang.Pos{Filename: "x.mms", Line: 7}
	lib := lang.Pos{Filename: "kernel/munmap.mms", Line: 9}
	for _, tc := range []struct {
		d    Diagnostic
		want int
	}{
		{Diagnostic{Pos: script}, 7},
		{Diagnostic{Pos: lib, Related: []Related{{lang.Pos{Filename: "x.mms", Line: 3}, "n->mmap_lock first taken here"}, {script, "munmap() called here"}}}, 7},
		{Diagnostic{Pos: lib}, 9},
	} {
		if got := tc.d.ScriptLine(); got != tc.want {
			t.Errorf("%v: ScriptLine() = %d, want %d", tc.d.Pos, got, tc.want)
		}
	}
}

// The folio lock has no owner: another task may unlock it (I/O
// completion), a task may end holding it, and only unlocking an unlocked
// folio is a finding (folio_unlock()'s VM_BUG_ON_FOLIO).
func TestFolioUnlockByAnotherTask(t *testing.T) {
	k := NewKernel()
	submit, complete := k.NewTask("submit"), k.NewTask("complete")
	p, err := k.Mem.AllocPage()
	if err != nil {
		t.Fatal(err)
	}
	do(t, k, submit, "folio_lock", pageV(p))
	k.ExitTask(submit, lang.Pos{})
	do(t, k, complete, "folio_unlock", pageV(p))
	if k.folioLock(p).Held() {
		t.Fatal("folio_unlock from another task left the folio locked")
	}
	wantRules(t, k)
	do(t, k, complete, "folio_unlock", pageV(p))
	wantRules(t, k, "folio_unlock/not-locked")
}
