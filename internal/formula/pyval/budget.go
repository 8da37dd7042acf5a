package pyval

import "strconv"

// MaxIntBits caps the size of any int result. Python itself has no limit,
// but a formula has no business computing numbers of more than a million bits
// (about 301,000 decimal digits); 10**10**10 must fail at once, not after
// minutes of multiplication. A smaller Context.MaxSize lowers it further.
const MaxIntBits = 1_000_000

// Step charges n steps against the evaluation budget. It fails with a
// MemoryError-style exception once the budget is exhausted, so that no
// formula can loop for ever.
func (c *Context) Step(n int64) error {
	if c == nil {
		return nil
	}
	c.Steps -= n
	if c.Steps < 0 {
		return &Exception{Type: "MemoryError", Msg: "formula step limit exceeded"}
	}
	return nil
}

// maxSize returns the effective size limit.
func (c *Context) maxSize() int {
	if c == nil || c.MaxSize <= 0 {
		return DefaultMaxSize
	}
	return c.MaxSize
}

// CheckSize fails with a MemoryError when a container or string of n
// elements (or bytes) would exceed the size limit. Callers check before they
// allocate.
func (c *Context) CheckSize(n int) error {
	if max := c.maxSize(); n < 0 || n > max {
		return &Exception{Type: "MemoryError", Msg: "result of size " + strconv.Itoa(n) + " exceeds the formula limit of " + strconv.Itoa(max)}
	}
	return nil
}

// checkSize64 is CheckSize for sizes computed in int64 (or overflowing).
func (c *Context) checkSize64(n int64) error {
	if max := int64(c.maxSize()); n < 0 || n > max {
		return &Exception{Type: "MemoryError", Msg: "result of size " + strconv.FormatInt(n, 10) + " exceeds the formula limit of " + strconv.FormatInt(max, 10)}
	}
	return nil
}

// intBitsLimit returns the largest allowed int size in bits.
func (c *Context) intBitsLimit() int64 {
	if m := int64(c.maxSize()); m < MaxIntBits {
		return m
	}
	return MaxIntBits
}

// CheckIntBits fails when an int result of about bits bits would exceed the
// limit. bits is an estimate computed before the operation.
func (c *Context) CheckIntBits(bits float64) error {
	if lim := c.intBitsLimit(); bits > float64(lim) {
		return &Exception{Type: "MemoryError", Msg: "int result of about " + strconv.FormatFloat(bits, 'g', 4, 64) + " bits exceeds the formula limit of " + strconv.FormatInt(lim, 10) + " bits"}
	}
	return nil
}

// enter guards recursion (calls, nested comprehensions, deep containers).
func (c *Context) enter() error {
	if c == nil {
		return nil
	}
	max := c.MaxDepth
	if max <= 0 {
		max = DefaultMaxDepth
	}
	c.Depth++
	if c.Depth > max {
		c.Depth--
		return &Exception{Type: "RecursionError", Msg: "maximum recursion depth exceeded"}
	}
	return nil
}

func (c *Context) leave() {
	if c != nil {
		c.Depth--
	}
}

func (c *Context) py2() bool { return c != nil && c.Py2 }
