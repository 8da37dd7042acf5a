// Package sweep is chaoslab's scale-test driver: `chaoslab explore
// MATRIX.yaml` runs one case for every combination of a parameter matrix
// (after DC/OS's MultivariableExplorerPolicy, with its bugs fixed), ends
// each case OK / FAILED / STALLED on signal conditions, repeats it, reduces
// the repeats to statistics and writes a results directory (journal,
// CSV, JSON, raw per-case data, SVG plots, a self-contained HTML report).
//
//	File ──Expand(seed)──► []Case ──Driver.Run──► journal.jsonl (fsync per case)
//	                                  │ setup, pretest (awaited)
//	                                  │ per case: Env.Prepare (twin reused while its
//	                                  │   bound config is unchanged), repeats of
//	                                  │   Executor.Run watched by signals and a
//	                                  │   progress-based stall watchdog, intertest
//	                                  │ posttest, teardown (always, awaited)
//	                                  └──► Summarize ──► results.csv/json, plots, report.html
//
// The pure parts — matrix expansion (discrete, range, sample; full product,
// random subset, Latin hypercube), expressions (the formula language with
// the parameters and _i bound), statistics (sample std, Student-t 95 % CI,
// linear-interpolation percentiles, stated outlier policy) and the
// breaking-point search (galloping then bisection over grid indexes, integer
// or float to a stated resolution, monotonicity stated and contrary
// evidence reported) — take their randomness and clock from the caller. I/O
// lives in the Executor implementations (TwinExec: twin + load + bound
// faults; ExpExec: a whole experiment through internal/experiment; CmdExec:
// the command channel) and the results writers.
package sweep
