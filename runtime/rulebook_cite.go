package runtime

// Where each rule-book entry was read in the kernel source, and a minimal
// correct call sequence for it. Kept beside, not inside, the entries so that
// moving an entry next to a new op (rulebook.go's header) does not touch its
// citation; register copies both into the entry.

// Cite is one place in the kernel source a rule-book entry was read from.
type Cite struct {
	File   string `json:"file"`             // e.g. "mm/memory.c"
	Func   string `json:"func"`             // e.g. "vm_insert_page()"
	Assert string `json:"assert,omitempty"` // the check as written there; "" when the function checks nothing
	// Read says which kernel text the citation was checked against, e.g.
	// "torvalds/linux@74511020dde1" or "rule book @0326440c (not re-read)".
	Read string `json:"read"`
}

func (c Cite) String() string {
	s := c.File + ": " + c.Func
	if c.Assert != "" {
		s += ": " + c.Assert
	} else {
		s += ": no check"
	}
	return s + " [" + c.Read + "]"
}

// citeTable maps an API name to the places it was read from.
var citeTable = map[string][]Cite{}

// sequenceTable maps an API name to a minimal correct call sequence.
var sequenceTable = map[string]string{}
