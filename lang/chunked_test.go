package lang

import (
	"errors"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestErrorsFile runs the chunks of testdata/errors.mms. Chunks are
// separated by "---" lines and parsed separately, padded with newlines so
// that line numbers match the file. A line that must fail ends with
// `### "regexp"` (one or more quoted regexps); every error must match a
// regexp on its line and every regexp must be matched.
func TestErrorsFile(t *testing.T) {
	const filename = "testdata/errors.mms"
	for _, c := range readChunks(t, filename) {
		_, err := Parse(filename, []byte(c.src))
		var list ErrorList
		if err != nil && !errors.As(err, &list) {
			t.Errorf("%s:%d: error %v is not an ErrorList", filename, c.line, err)
			continue
		}
		for _, e := range list {
			if !c.gotError(e.Pos.Line, e.Msg) {
				t.Errorf("%s: unexpected error: %s", e.Pos, e.Msg)
			}
		}
		for _, line := range slices.Sorted(maps.Keys(c.want)) {
			for _, re := range c.want[line] {
				t.Errorf("%s:%d: expected error matching %q", filename, line, re)
			}
		}
	}
}

type chunk struct {
	src  string
	line int                      // first line of the chunk
	want map[int][]*regexp.Regexp // line -> expected errors
}

var wantRE = regexp.MustCompile(`### (.*)$`)

func readChunks(t *testing.T, filename string) []chunk {
	data, err := os.ReadFile(filename)
	if err != nil {
		t.Fatal(err)
	}
	var chunks []chunk
	lines := strings.Split(string(data), "\n")
	start := 0 // index of the chunk's first line
	for i, line := range append(lines, "---") {
		if line != "---" {
			continue
		}
		// Pad with newlines so that line numbers match the file; no
		// newline after the last line, so that an error at the end of
		// the file is on that line.
		c := chunk{
			src:  strings.Repeat("\n", start) + strings.Join(lines[start:min(i, len(lines))], "\n"),
			line: start + 1,
			want: map[int][]*regexp.Regexp{},
		}
		for j := start; j < min(i, len(lines)); j++ {
			m := wantRE.FindStringSubmatch(lines[j])
			if m == nil {
				continue
			}
			for rest := strings.TrimSpace(m[1]); rest != ""; rest = strings.TrimSpace(rest) {
				q, err := strconv.QuotedPrefix(rest)
				if err != nil {
					t.Fatalf("%s:%d: bad ### marker: %s", filename, j+1, m[1])
				}
				s, _ := strconv.Unquote(q)
				c.want[j+1] = append(c.want[j+1], regexp.MustCompile(s))
				rest = rest[len(q):]
			}
		}
		chunks = append(chunks, c)
		start = i + 1
	}
	return chunks
}

// gotError removes and reports whether there was an expected error on
// line matching msg.
func (c *chunk) gotError(line int, msg string) bool {
	for i, re := range c.want[line] {
		if re.MatchString(msg) {
			c.want[line] = append(c.want[line][:i], c.want[line][i+1:]...)
			if len(c.want[line]) == 0 {
				delete(c.want, line)
			}
			return true
		}
	}
	return false
}
