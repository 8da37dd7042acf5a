// Package journal is the append-only record of an experiment run: JSON
// Lines, one Event per line, written and flushed (fsynced) event by event so
// that a run killed at any point leaves a readable journal up to its last
// event. History keeps one row per run in SQLite (pure-Go driver) for
// `chaoslab history`. It imports nothing else from chaoslab.
package journal
