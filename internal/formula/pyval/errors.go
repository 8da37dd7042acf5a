package pyval

// Exception constructors used throughout the package. Messages follow
// CPython 3.11 word for word; Python 2 variants are chosen by the callers.

func typeError(msg string) error     { return &Exception{Type: "TypeError", Msg: msg} }
func valueError(msg string) error    { return &Exception{Type: "ValueError", Msg: msg} }
func zeroDivError(msg string) error  { return &Exception{Type: "ZeroDivisionError", Msg: msg} }
func overflowError(msg string) error { return &Exception{Type: "OverflowError", Msg: msg} }
func indexError(msg string) error    { return &Exception{Type: "IndexError", Msg: msg} }

var (
	errIntTooLargeForFloat  = overflowError("int too large to convert to float")
	errLongTooLargeForFloat = overflowError("long int too large to convert to float")
	errIndexSized           = overflowError("cannot fit 'int' into an index-sized integer")
	errMathRange            = overflowError("(34, 'Numerical result out of range')")
	errZeroNegPow           = zeroDivError("0.0 cannot be raised to a negative power")
)

// IsException reports whether err is an *Exception of the given type.
func IsException(err error, typ string) bool {
	e, ok := err.(*Exception)
	return ok && e.Type == typ
}
