package lang

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"unicode/utf8"
)

// ReadFile reads a script file within DefaultLimits (see Limits.ReadFile).
func ReadFile(name string) ([]byte, error) { return DefaultLimits.ReadFile(name) }

// ReadFile reads a script file, refusing to hang or to exhaust memory on
// something that is not one: a directory is an error; a FIFO or a device
// is opened without blocking (O_NONBLOCK), so a FIFO nobody writes reads as
// empty instead of waiting forever; and reading stops after MaxFileSize
// bytes (/dev/zero never ends), with an error at the position where the
// limit was crossed. Errors from the file system are *fs.PathError; the
// size error is an ErrorList.
func (l Limits) ReadFile(name string) ([]byte, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("is a directory, not a script")}
	}
	flags := os.O_RDONLY
	if !st.Mode().IsRegular() {
		flags |= syscall.O_NONBLOCK
	}
	f, err := os.OpenFile(name, flags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	max := l.maxFileSize()
	src, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(src)) > max {
		return nil, l.tooLarge(name, src)
	}
	return src, nil
}

func (l Limits) maxFileSize() int64 {
	if l.MaxFileSize <= 0 {
		return DefaultLimits.MaxFileSize
	}
	return l.MaxFileSize
}

// tooLarge reports src, longer than MaxFileSize, at the byte where it
// crosses the limit.
func (l Limits) tooLarge(name string, src []byte) error {
	max := l.maxFileSize()
	head := src[:max]
	pos := Pos{Filename: name, Offset: int(max), Line: 1 + bytes.Count(head, []byte("\n"))}
	lastLine := head[bytes.LastIndexByte(head, '\n')+1:]
	pos.Column = 1 + utf8.RuneCount(lastLine)
	return ErrorList{{pos, fmt.Sprintf("file larger than the limit of %s (raise it with -max-file-size)", sizeString(max))}}
}

// sizeString prints a byte count as MiB, KiB or bytes.
func sizeString(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
