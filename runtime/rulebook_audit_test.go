package runtime

import "testing"

// TestNoDuplicateChecks: an entry lists each of its checks once (the audit
// found lock/sleep-in-atomic twice in unmap_mapping_range's).
func TestNoDuplicateChecks(t *testing.T) {
	for _, a := range APIs() {
		seen := map[string]bool{}
		for _, r := range a.Rules {
			if seen[r.ID] {
				t.Errorf("%s lists %s twice", a.Name, r.ID)
			}
			seen[r.ID] = true
		}
	}
}
