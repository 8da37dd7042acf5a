package server

import (
	"fmt"
	"sync"
	"time"
)

// Resource faults: server.memory grows the heap by rate MiB/s up to cap
// MiB (pages touched, so it is resident); server.cpu keeps workers
// goroutines spinning. Both stop and release when the fault is cleared.

// memTick is the step of memory growth: small steps keep the growth rate
// smooth as seen by a monitor.
const memTick = 100 * time.Millisecond

// configureLoad reads server.memory and server.cpu parameters.
func (af *activeFault) configureLoad(p params) error {
	switch af.spec.Kind {
	case "server.memory":
		rate, err := p.float("rate", 10, false)
		if err != nil {
			return err
		}
		capMiB, err := p.float("cap", 256, false)
		if err != nil {
			return err
		}
		if rate <= 0 || capMiB <= 0 || capMiB > 16<<10 {
			return fmt.Errorf("server.memory: rate must be positive and cap in (0, 16384] MiB, got rate=%g cap=%g", rate, capMiB)
		}
		af.memRate, af.memCap = int64(rate*(1<<20)), int64(capMiB*(1<<20))
	case "server.cpu":
		w, err := p.float("workers", 1, false)
		if err != nil {
			return err
		}
		if w < 1 || w > 64 || w != float64(int(w)) {
			return fmt.Errorf("server.cpu: parameter workers must be a whole number in [1, 64], got %g", w)
		}
		af.factor = int(w)
	}
	return nil
}

// start begins the background work of a resource fault.
func (af *activeFault) start(s *Server) {
	switch af.spec.Kind {
	case "server.memory":
		rate, limit := af.memRate, af.memCap
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			var hold [][]byte
			var total int64
			t := time.NewTicker(memTick)
			defer t.Stop()
			for {
				select {
				case <-done:
					return // hold is garbage now
				case <-t.C:
				}
				n := min(rate/int64(time.Second/memTick), limit-total)
				if n <= 0 {
					continue
				}
				b := make([]byte, n)
				for i := 0; i < len(b); i += 4096 {
					b[i] = 1
				}
				hold = append(hold, b)
				total += n
			}
		}()
		af.stop = func() { close(done); wg.Wait() }
	case "server.cpu":
		done := make(chan struct{})
		var wg sync.WaitGroup
		for range af.factor {
			wg.Add(1)
			go func() {
				defer wg.Done()
				x := uint64(1)
				for {
					for range 1 << 16 {
						x = x*6364136223846793005 + 1442695040888963407
					}
					select {
					case <-done:
						_ = x
						return
					default:
					}
				}
			}()
		}
		af.stop = func() { close(done); wg.Wait() }
	}
}
