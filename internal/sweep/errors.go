package sweep

import "chaoslab/internal/config"

// Pos is a position in a matrix file (1-based line and column); the
// project's one position type.
type Pos = config.Pos

// PosError is a problem at a position of the matrix file; it prints as
// file:line:col: message like every other positioned error of chaoslab.
type PosError = config.Error
