package experiment

import (
	"fmt"
	"strconv"
	"time"

	"chaoslab/internal/config"
)

// Pos, Error and ErrorList are the shared positioned errors: an
// experiment file's problems print as file:line:col: message.
type (
	Pos       = config.Pos
	Error     = config.Error
	ErrorList = config.ErrorList
)

func suggest(s string, candidates []string) string { return config.Suggest(s, candidates) }

func jsonFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func parseDur(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q; want e.g. 500ms", s)
	}
	return d, nil
}
