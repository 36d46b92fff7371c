package runtime

import (
	"slices"
	"testing"

	"github.com/mmscript/mmscript/lang"
)

// TestKthreadUseMM: kthread_use_mm() gives the thread current->mm until
// kthread_unuse_mm(), and the kernel's WARN_ON_ONCE()s (and the unchecked
// cases) are reported: a second use without unuse, an unuse with none, an
// unuse of another mm, and a thread that ends using one.
func TestKthreadUseMM(t *testing.T) {
	type step struct{ op, mm string }
	cases := []struct {
		name  string
		steps []step
		// current: the mm current_mm() gives after the steps ("" fails:
		// two mms and none adopted)
		current string
		rules   []string // the rules reported, in order (ExitTask last)
		kernel  []Reaction
	}{
		{"use, unuse", []step{{"kthread_use_mm", "a"}, {"kthread_unuse_mm", "a"}}, "", nil, nil},
		{"use", []step{{"kthread_use_mm", "b"}}, "b", []string{"kthread/exit-using-mm"}, []Reaction{Unchecked}},
		{"use twice", []step{{"kthread_use_mm", "a"}, {"kthread_use_mm", "b"}, {"kthread_unuse_mm", "b"}},
			"", []string{"kthread/use-mm-nested"}, []Reaction{WARN}},
		{"unuse with none", []step{{"kthread_unuse_mm", "a"}}, "", []string{"kthread/unuse-mm-unbalanced"}, []Reaction{WARN}},
		{"unuse another", []step{{"kthread_use_mm", "a"}, {"kthread_unuse_mm", "b"}}, "", []string{"kthread/unuse-mm-unbalanced"}, []Reaction{Unchecked}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := NewKernel()
			mms := map[string]*MM{}
			for _, n := range []string{"a", "b"} {
				m, err := k.NewMM(n)
				if err != nil {
					t.Fatal(err)
				}
				mms[n] = m
			}
			task := k.NewTask("worker")
			for _, s := range tc.steps {
				do(t, k, task, s.op, mmV(mms[s.mm]))
			}
			c := &Call{K: k, T: task, Op: LookupOp("current_mm"), Pos: task.Pos}
			r := c.Op.Fn(c)
			switch {
			case tc.current == "" && r.Status == Done:
				t.Errorf("current_mm() = %s, want an error (two mms, none adopted)", r.Value.Obj.(*MM).Name)
			case tc.current != "" && (r.Status != Done || r.Value.Obj.(*MM) != mms[tc.current]):
				t.Errorf("current_mm(): status %d, want %s", r.Status, tc.current)
			}
			k.ExitTask(task, lang.Pos{})
			var rules []string
			var kernel []Reaction
			for _, d := range k.Diagnostics() {
				rules = append(rules, d.Rule)
				kernel = append(kernel, d.Kernel)
			}
			if !slices.Equal(rules, tc.rules) || !slices.Equal(kernel, tc.kernel) {
				t.Errorf("reported %v %v, want %v %v", rules, kernel, tc.rules, tc.kernel)
			}
		})
	}
}
