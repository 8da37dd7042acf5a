// Command chaoslab clones control systems into twins of simulated devices,
// drives them, breaks them on purpose and watches what happens.
package main

import (
	"os"

	"chaoslab/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], cli.OSStreams())) }
