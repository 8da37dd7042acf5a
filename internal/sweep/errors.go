package sweep

import "fmt"

// Pos is a position in a matrix file (1-based line and column).
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string {
	switch {
	case p.Line > 0:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	case p.File != "":
		return p.File
	}
	return ""
}

// PosError is a problem at a position of the matrix file.
type PosError struct {
	Pos Pos
	Msg string
}

func (e *PosError) Error() string {
	if s := e.Pos.String(); s != "" {
		return s + ": " + e.Msg
	}
	return e.Msg
}
