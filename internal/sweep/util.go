package sweep

import "errors"

func asErr(err error, target any) bool { return errors.As(err, target) }

// joinErrs is errors.Join that returns nil for no errors.
func joinErrs(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errors.Join(errs...)
}
