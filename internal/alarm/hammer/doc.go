// Package hammer is alarm-driven remediation ("hammers", after
// ChameleonCloud's): a rule says "when alarm X has been active for D, do
// action A on its targets", in report-only mode until trusted, with an
// attempt budget that is checked before acting and a cool-down between
// attempts. The decision core (Engine) is pure with an injected clock; a
// Runner executes decisions through an Executor and journals every
// decision as a JSON line.
package hammer
