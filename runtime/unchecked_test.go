package runtime

import (
	"strings"
	"testing"
)

// TestUncheckedRulesSayConsequence: every rule the kernel does not check
// says what the kernel goes on to do and its cost, naming the function
// (the diagnostic's "kernel:" line), and no entry names a rule that is not
// an unchecked one.
func TestUncheckedRulesSayConsequence(t *testing.T) {
	rules := map[string]*Rule{}
	for _, r := range GenericRules() {
		rules[r.ID] = r
	}
	for _, a := range APIs() {
		for _, r := range a.Rules {
			rules[r.ID] = r
		}
	}
	for id, r := range rules {
		if r.Kernel != Unchecked {
			continue
		}
		c := uncheckedConsequence[id]
		if c == "" {
			t.Errorf("%s is unchecked but has no consequence in uncheckedConsequence (unchecked.go)", id)
			continue
		}
		if !strings.Contains(c, "()") {
			t.Errorf("%s: the consequence names no kernel function: %q", id, c)
		}
	}
	for id := range uncheckedConsequence {
		if r, ok := rules[id]; !ok || r.Kernel != Unchecked {
			t.Errorf("uncheckedConsequence names %s, which is no unchecked rule", id)
		}
	}
	d := &Diagnostic{Rule: "vma/use-after-unmap", Kernel: Unchecked}
	if got := reaction(d); !strings.Contains(got, "vm_area_free()") || strings.Contains(got, "silent race") {
		t.Errorf("reaction(%s) = %q: want its consequence", d.Rule, got)
	}
}
