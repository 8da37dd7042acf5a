// Package experiment is chaoslab's chaos experiment: the file format
// (Load: strict YAML, JSON-schema checked, every error at file:line:col),
// the plan (seeded target selection and schedule, blast-radius check), the
// Runner (a scheduling and decision core over a small Env interface and an
// injected clock), tolerances with time-based and statistical verdicts
// (Mann-Whitney U), and the twin Env that carries actions and probes out
// over the supervisor, netem proxies, the client and the load generator.
//
//	Load ──► Experiment ──► Plan (seed) ──► Runner.Run(ctx, Env, journal)
//	                                           │ before ─► method ─► after
//	                                           │   probes every interval
//	                                           │   stop conditions
//	                                           └─► rollbacks (always, reverse order)
//
// Every fault is written (fsynced) to a record in the state directory
// before it is applied, so Recover undoes what a killed runner left behind.
package experiment
