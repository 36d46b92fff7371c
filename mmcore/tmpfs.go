package mmcore

// NewTmpfsFile creates a file on tmpfs (a new shmem inode) of size pages
// and returns it opened read-write. Its pages are shmem pages
// (shmem_mapping): they count as MM_SHMEMPAGES when mapped, and
// MADV_WILLNEED reads none in. The fidelity traces' files live on
// /dev/shm.
func NewTmpfsFile(name string, size uint64) *File {
	f := NewFile(name, size)
	f.mapping.shmem = true
	return f
}
