package runtime

import "testing"

// TestValueEqualText: a word equals the string of its text, and nothing
// else of another type.
func TestValueEqualText(t *testing.T) {
	tests := []struct {
		a, b Value
		want bool
	}{
		{Word("write"), Str("write"), true},
		{Str("write"), Word("write"), true},
		{Word("write"), Str("read"), false},
		{Word("write"), Word("write"), true},
		{Str("1"), Int(1), false},
		{Word("write"), Int(0), false},
	}
	for _, tc := range tests {
		if got := tc.a.Equal(tc.b); got != tc.want {
			t.Errorf("%v == %v: %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
