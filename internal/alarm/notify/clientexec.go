package notify

import (
	"context"
	"fmt"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/client"
)

// ClientExecutor runs ACTION commands and attribute writes through the
// Go client: Pool resolves each device to its server (in a served twin,
// the server itself for its own devices, then its --peer servers).
type ClientExecutor struct {
	Pool *client.Pool
}

// Command implements Executor: no argument, one (parsed as a value:
// number, bool, string, JSON array) or several (a string array).
func (e ClientExecutor) Command(ctx context.Context, device, cmd string, args []string) error {
	c, err := e.Pool.Device(ctx, device)
	if err != nil {
		return fmt.Errorf("ACTION command %s/%s: %w", device, cmd, err)
	}
	if _, err := c.Command(ctx, device, cmd, argValue(args)); err != nil {
		return fmt.Errorf("ACTION command %s/%s: %w", device, cmd, err)
	}
	return nil
}

// WriteAttribute implements Executor: the value is the first argument
// (several arguments: a string array).
func (e ClientExecutor) WriteAttribute(ctx context.Context, device, attr string, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("ACTION attribute %s/%s: no value to write", device, attr)
	}
	c, err := e.Pool.Device(ctx, device)
	if err != nil {
		return fmt.Errorf("ACTION attribute %s/%s: %w", device, attr, err)
	}
	if err := c.Write(ctx, device+"/"+attr, argValue(args)); err != nil {
		return fmt.Errorf("ACTION attribute %s/%s: %w", device, attr, err)
	}
	return nil
}

func argValue(args []string) *pb.Value {
	switch len(args) {
	case 0:
		return nil
	case 1:
		return api.ParseValue(args[0])
	}
	return &pb.Value{Kind: &pb.Value_Strings{Strings: &pb.StringArray{V: args}}}
}
