package hammer

import (
	"context"
	"fmt"
)

// ServerControl applies a verb (start, stop, kill, restart) to servers
// matching patterns; *supervisor.Control implements it.
type ServerControl interface {
	Servers(ctx context.Context, verb string, patterns []string) ([]string, error)
}

// DeviceCommander runs a command on a device (a Tango client).
type DeviceCommander interface {
	Command(ctx context.Context, device, cmd string, args []string) error
}

// Exec is the standard Executor: server verbs go to Servers, "command"
// actions to Devices.
type Exec struct {
	Servers ServerControl
	Devices DeviceCommander
}

// Do implements Executor.
func (e Exec) Do(ctx context.Context, action, target, command string, args []string) error {
	switch action {
	case "restart", "start", "stop", "kill":
		if e.Servers == nil {
			return fmt.Errorf("%s %s: no supervisor (is the lab up?)", action, target)
		}
		done, err := e.Servers.Servers(ctx, action, []string{target})
		if err != nil {
			return err
		}
		if len(done) == 0 {
			return fmt.Errorf("%s %s: no server matches", action, target)
		}
		return nil
	case "command":
		if e.Devices == nil {
			return fmt.Errorf("command %s/%s: no device client", target, command)
		}
		return e.Devices.Command(ctx, target, command, args)
	}
	return fmt.Errorf("unknown hammer action %q", action)
}
