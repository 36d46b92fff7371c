//go:build !unix

package mmcore

import "time"

func cpuTime() time.Duration { return 0 }
