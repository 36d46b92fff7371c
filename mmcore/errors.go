package mmcore

import "strconv"

// Errno is a kernel error number. It prints as the kernel's name ("EINVAL")
// because that is what a report about a kernel API should show; errors.Is
// matches wrapped Errnos.
type Errno int

// Linux errno values (include/uapi/asm-generic/errno-base.h).
const (
	EPERM  Errno = 1
	ENOENT Errno = 2
	ENXIO  Errno = 6
	EBADF  Errno = 9
	EAGAIN Errno = 11
	ENOMEM Errno = 12
	EACCES Errno = 13
	EFAULT Errno = 14
	EBUSY  Errno = 16
	EEXIST Errno = 17
	ENODEV Errno = 19
	EINVAL Errno = 22
	// EOVERFLOW: mmap's pgoff + length wraps.
	EOVERFLOW Errno = 75
	// EOPNOTSUPP: an unknown flag with MAP_SHARED_VALIDATE.
	EOPNOTSUPP Errno = 95
)

var errnoNames = map[Errno]string{
	EPERM: "EPERM", ENOENT: "ENOENT", ENXIO: "ENXIO", EBADF: "EBADF",
	EAGAIN: "EAGAIN", ENOMEM: "ENOMEM", EACCES: "EACCES", EFAULT: "EFAULT",
	EBUSY: "EBUSY", EEXIST: "EEXIST", ENODEV: "ENODEV", EINVAL: "EINVAL",
	EOVERFLOW: "EOVERFLOW", EOPNOTSUPP: "EOPNOTSUPP",
}

func (e Errno) Error() string {
	if s, ok := errnoNames[e]; ok {
		return s
	}
	return "errno " + strconv.Itoa(int(e))
}

// Signal is what a user access gets instead of an errno when the kernel
// cannot satisfy a fault (VM_FAULT_SIGSEGV, VM_FAULT_SIGBUS). The caller
// decides what delivering it means.
type Signal int

// Signal numbers as on x86-64.
const (
	SIGBUS  Signal = 7
	SIGSEGV Signal = 11
)

// ErrSegv is the sentinel for "this access would get SIGSEGV" (bad address,
// or an access the VMA's flags do not allow); match it with errors.Is.
var ErrSegv error = SIGSEGV

// ErrSigbus is the sentinel for "this access would get SIGBUS" (for example
// a file page beyond the end of the file).
var ErrSigbus error = SIGBUS

func (s Signal) Error() string {
	switch s {
	case SIGSEGV:
		return "SIGSEGV"
	case SIGBUS:
		return "SIGBUS"
	}
	return "signal " + strconv.Itoa(int(s))
}

// opError wraps an Errno or Signal with the operation and the reason, so a
// report can say why without losing errors.Is matching.
type opError struct {
	op     string
	reason string
	err    error
}

func (e *opError) Error() string {
	if e.reason == "" {
		return e.op + ": " + e.err.Error()
	}
	return e.op + ": " + e.err.Error() + " (" + e.reason + ")"
}

func (e *opError) Unwrap() error { return e.err }

func errf(op string, err error, reason string) error {
	return &opError{op: op, reason: reason, err: err}
}
