// Package load drives device servers with a workload and measures them
// honestly: an open-model executor issues requests on schedule whether or
// not earlier ones finished and measures latency from the intended send
// time (corrected for coordinated omission, as wrk2 does) next to the
// uncorrected figure; requests that could not be issued within MaxLate of
// their intended time are counted as not issued (k6's dropped iterations),
// never silently delayed. A closed model (N clients with think time),
// polling clients (read every P) and event clients (subscribe, measure the
// lag from the event's source timestamp) complete the set.
//
// Shape (after k6): a Spec with Validate() []error and Plan(); executors
// with Run(ctx); a Recorder of HDR histograms; a Live view of per-second
// snapshots that experiments read while the load runs; Run ties them
// together against resolved Targets through a small Backend interface, so
// tests and benchmarks can use an in-process backend.
//
// Safety: Run refuses any server address that is not loopback and every
// run is bounded by a duration and a request count under hard limits.
package load
