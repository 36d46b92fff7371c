package interp

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

func TestZZCompileRate(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	bad := map[string]int{}
	n := 0
	for i := range 2000 {
		src := genScript(r)
		if _, err := LoadSource(fmt.Sprintf("gen%d.mms", i), []byte(src)); err != nil {
			n++
			msg := err.Error()
			if j := strings.Index(msg, ": "); j >= 0 {
				msg = msg[j+2:]
			}
			if len(msg) > 90 {
				msg = msg[:90]
			}
			bad[msg]++
		}
	}
	var ks []string
	for k, v := range bad {
		ks = append(ks, fmt.Sprintf("%5d %s", v, k))
	}
	sort.Strings(ks)
	t.Logf("%d of 2000 do not compile\n%s", n, strings.Join(ks, "\n"))
}
