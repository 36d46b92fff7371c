package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestPageArrayViews: page_array(n)'s bound and C's pages + i, a view
// whose entry j is the array's entry i + j.
func TestPageArrayViews(t *testing.T) {
	p0, p1 := &mmcore.Page{PFN: 1}, &mmcore.Page{PFN: 2}
	for _, c := range []struct {
		name string
		run  func(a *PageArray) (any, error)
		cap  int
		want any
	}{
		{"view stores into the array", func(a *PageArray) (any, error) {
			v, err := a.Add(2)
			if err != nil {
				return nil, err
			}
			v.set(1, p1)
			return a.At(3) == p1 && a.Len() == 4 && v.Len() == 2, nil
		}, 4, true},
		{"view of a view", func(a *PageArray) (any, error) {
			v, _ := a.Add(1)
			w, err := v.Add(1)
			if err != nil {
				return nil, err
			}
			w.set(0, p0)
			return a.At(2) == p0 && w.String() == "pages[3 of 4] + 2", nil
		}, 4, true},
		{"store past the bound", func(a *PageArray) (any, error) {
			v, _ := a.Add(3)
			return v.set(1, p0), nil
		}, 4, false},
		{"pointer one past the end is C's", func(a *PageArray) (any, error) {
			v, err := a.Add(4)
			return err == nil && v.Len() == 0, nil
		}, 4, true},
		{"pointer beyond the end", func(a *PageArray) (any, error) {
			_, err := a.Add(5)
			return err != nil, nil
		}, 4, true},
		{"unbounded array grows", func(a *PageArray) (any, error) {
			v, _ := a.Add(7)
			v.set(0, p0)
			return a.Len() == 8 && a.First(8)[7] == p0, nil
		}, 0, true},
		{"pages + 0 is pages", func(a *PageArray) (any, error) {
			v, _ := a.Add(0)
			return v == a, nil
		}, 2, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.run(&PageArray{Cap: c.cap})
			if err != nil || got != c.want {
				t.Errorf("got %v, %v; want %v", got, err, c.want)
			}
		})
	}
}
