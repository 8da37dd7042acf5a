package experiment

import "time"

// Sample is one timed observation's verdict.
type Sample struct {
	T  time.Time
	OK bool
}

// Window is a time interval [From, To) (a fault's active time).
type Window struct{ From, To time.Time }

// Recovered judges a during-method series against a time-based
// tolerance. Without recoverWithin the probe must never leave the band.
// With it, after each fault start the probe must be back in the band
// within recoverWithin and then stay there for stayFor (measured on the
// samples; the series must extend that far). It returns the verdict and
// a reason when it fails.
func Recovered(samples []Sample, faults []time.Time, recoverWithin, stayFor time.Duration) (bool, string) {
	if recoverWithin == 0 {
		for _, s := range samples {
			if !s.OK {
				return false, "left the band at " + s.T.UTC().Format(time.RFC3339Nano)
			}
		}
		return true, ""
	}
	for _, f := range faults {
		deadline := f.Add(recoverWithin)
		ok := false
		for i, s := range samples {
			if s.T.Before(f) || !s.OK {
				continue
			}
			if s.T.After(deadline) {
				break
			}
			// Candidate recovery at s: every sample in [s, s+stayFor] OK,
			// and the series reaches s+stayFor.
			end := s.T.Add(stayFor)
			good, reached := true, stayFor == 0
			for _, u := range samples[i:] {
				if u.T.After(end) {
					reached = true
					break
				}
				if !u.OK {
					good = false
					break
				}
				if !u.T.Before(end) {
					reached = true
				}
			}
			if good && reached {
				ok = true
				break
			}
		}
		if !ok {
			return false, "did not recover within " + recoverWithin.String() + " (and stay for " + stayFor.String() + ") after the fault at " + f.UTC().Format(time.RFC3339Nano)
		}
	}
	return true, ""
}
