package main

import (
	"fmt"
	"io"
	"strings"

	rt "github.com/mmscript/mmscript/runtime"
)

func cmdExplain(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: mmscript explain NAME")
		return 2
	}
	a := rt.LookupAPI(args[0])
	if a == nil {
		fmt.Fprintf(stderr, "mmscript: no rule-book entry for %s\n", args[0])
		return 2
	}
	fmt.Fprint(stdout, a.Explain())
	if op := rt.LookupOp(args[0]); op != nil {
		var ps []string
		for _, p := range op.Params {
			s := p.Name
			if p.Optional {
				s += "="
				if p.Default.T != rt.TNil {
					s += p.Default.String()
				} else {
					s += "nil"
				}
			}
			if p.Variadic {
				s += "..."
			}
			ps = append(ps, s)
		}
		fmt.Fprintf(stdout, "  script:  %s(%s)\n", op.Name, strings.Join(ps, ", "))
		for _, p := range op.Params {
			if len(p.Words) > 0 {
				fmt.Fprintf(stdout, "  %s=     %s (combine with |)\n", p.Name, strings.Join(p.Words, " "))
			}
		}
	}
	return 0
}
