package notify

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// CheckLoopback returns an error unless raw is an http(s) URL whose host
// is a loopback address ("localhost", 127.0.0.0/8, ::1): the twin never
// sends anything off the machine, so webhooks are for local receivers
// (an Alertmanager, a relay, a test server) only.
func CheckLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("webhook %q: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("webhook %q: expected an http:// or https:// URL", raw)
	}
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") {
		return nil
	}
	if ip := net.ParseIP(h); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("webhook %q: host %q is not a loopback address (127.0.0.1, ::1, localhost); chaoslab sends nothing off the machine", raw, h)
}
