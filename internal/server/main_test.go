package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"testing"

	"go.uber.org/goleak"
)

// childEnv makes the test binary act as `chaoslab serve` (a real server
// process for the end-to-end tests): it holds a JSON RunConfig.
const childEnv = "CHAOSLAB_TEST_SERVE"

func TestMain(m *testing.M) {
	if cfg := os.Getenv(childEnv); cfg != "" {
		os.Exit(runChild(cfg))
	}
	goleak.VerifyTestMain(m)
}

func runChild(js string) int {
	var cfg RunConfig
	if err := json.Unmarshal([]byte(js), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	// CHAOSLAB_TEST_SERVER_CPUPROFILE profiles the server process of a
	// benchmark (go tool pprof FILE).
	if path := os.Getenv("CHAOSLAB_TEST_SERVER_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			defer f.Close()
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	if err := Run(ctx, cfg, log); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		return 2
	}
	return 0
}
