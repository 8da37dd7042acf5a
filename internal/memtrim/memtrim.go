// Package memtrim gives back the memory a long-running process only
// needed to start: the pages of its own executable that startup touched.
//
// Why: chaoslab is one binary with every command, and a device server
// touches most of its code and tables once while starting (package
// initialization, catalog parsing, formula compilation), then runs a small
// serving loop. On the machines measured here those pages are private to
// each process (RSS Private_Dirty, not shared page cache), so every one of
// the many servers `up` starts kept ~17 MB of startup code resident.
// Dropping the read-only mappings of the executable is safe: they were
// never written, and the kernel refills a page from the file the next time
// it is used, so only the serving path comes back.
package memtrim

// Stats is what DropExecutable released.
type Stats struct {
	Mappings int   // read-only mappings of the executable dropped
	Bytes    int64 // their total size (resident or not)
}
