package netem

import "time"

// Chunk is one piece of a byte stream travelling through a toxic pipeline.
// Time is when the proxy read it from the socket; latency toxics measure from
// it, so time already spent queued in earlier toxics is not added twice.
type Chunk struct {
	Data []byte
	Time time.Time
}
