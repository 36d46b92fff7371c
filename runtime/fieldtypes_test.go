package runtime

import "testing"

// TestFieldTypes keeps the static field types in step with the fields
// scripts can read: every field has a type, and no type names a field that
// does not exist.
func TestFieldTypes(t *testing.T) {
	for ty, fs := range fieldTable {
		for name := range fs {
			if _, ok := fieldTypes[ty][name]; !ok {
				t.Errorf("%s.%s has no static type in fieldTypes", ty, name)
			}
		}
	}
	for ty, fs := range fieldTypes {
		for name := range fs {
			if _, ok := fieldTable[ty][name]; !ok {
				t.Errorf("fieldTypes names %s.%s, which fieldTable lacks", ty, name)
			}
		}
	}
}
