package netem

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// Client speaks the control API of a Server, for example from the chaoslab
// CLI clearing faults left by a crashed run.
type Client struct {
	base string
	hc   *http.Client
}

// NewClient returns a client for the API at base ("http://127.0.0.1:port").
// hc may be nil for http.DefaultClient.
func NewClient(base string, hc *http.Client) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{base: base, hc: hc}
}

// APIError is an error response from the server. Is matches the package's
// sentinel errors by status, so errors.Is(err, ErrToxicNotFound) works.
type APIError struct {
	Status  int
	Message string
}

func (e *APIError) Error() string { return fmt.Sprintf("netem API: %d: %s", e.Status, e.Message) }

// Is maps statuses to sentinels.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrToxicNotFound, ErrProxyNotFound:
		return e.Status == http.StatusNotFound
	case ErrToxicExists:
		return e.Status == http.StatusConflict
	}
	return false
}

func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var ae apiError
		if json.Unmarshal(data, &ae) != nil || ae.Error == "" {
			ae.Error = string(data)
		}
		return &APIError{Status: resp.StatusCode, Message: ae.Error}
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// Proxies lists every proxy with its toxics.
func (c *Client) Proxies(ctx context.Context) (map[string]ProxyInfo, error) {
	var out map[string]ProxyInfo
	return out, c.do(ctx, http.MethodGet, "/proxies", nil, &out)
}

// Toxics lists one proxy's toxics in the order they apply.
func (c *Client) Toxics(ctx context.Context, proxy string) ([]ToxicSpec, error) {
	var out []ToxicSpec
	return out, c.do(ctx, http.MethodGet, "/proxies/"+url.PathEscape(proxy)+"/toxics", nil, &out)
}

// AddToxic adds a toxic and returns it as the server stored it.
func (c *Client) AddToxic(ctx context.Context, proxy string, spec ToxicSpec) (ToxicSpec, error) {
	var out ToxicSpec
	return out, c.do(ctx, http.MethodPost, "/proxies/"+url.PathEscape(proxy)+"/toxics", spec, &out)
}

// RemoveToxic removes one toxic by name.
func (c *Client) RemoveToxic(ctx context.Context, proxy, toxic string) error {
	return c.do(ctx, http.MethodDelete, "/proxies/"+url.PathEscape(proxy)+"/toxics/"+url.PathEscape(toxic), nil, nil)
}

// Reset removes every toxic from every proxy.
func (c *Client) Reset(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/reset", nil, nil)
}
