package cli

// Exit codes shared by all commands.
const (
	ExitOK      = 0
	ExitFailure = 1 // the command ran and the answer is "no": a formula error, a failed check, a deviated experiment
	ExitError   = 2 // chaoslab could not do what was asked (bad input, I/O)
	ExitAborted = 3 // aborted by a stop condition
	ExitUsage   = 2 // bad flags or arguments
	// ExitInterrupted: stopped by SIGINT or SIGTERM (128 + SIGINT, as a
	// shell reports a command killed by Ctrl-C).
	ExitInterrupted = 130
)

// exitError carries an exit code through cobra. A nil err prints nothing
// (the command already reported).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return "exit"
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// exit returns an error that makes Main exit with code after printing err.
func exit(code int, err error) error { return &exitError{code: code, err: err} }
