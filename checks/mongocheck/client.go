package mongocheck

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// errClosed is what connect returns after Close.
var errClosed = errors.New("mongocheck: checker closed")

// dialing is one attempt to create the client. Creating a client dials
// nothing, but parsing a mongodb+srv URI looks up DNS records, with no
// context to bound it; so it runs on a goroutine of its own that a Check
// waits for only as long as its context allows. Its fields are written
// before done is closed.
type dialing struct {
	done   chan struct{}
	client *mongo.Client
	err    error
}

// connect returns the client, creating it on first use, and whether it has
// answered a ping before.
func (c *Checker) connect(ctx context.Context) (client *mongo.Client, warm bool, err error) {
	c.mu.Lock()
	switch {
	case c.closed:
		c.mu.Unlock()
		return nil, false, errClosed
	case c.client != nil:
		defer c.mu.Unlock()
		return c.client, c.warm, nil
	case c.dialing == nil:
		c.dialing = &dialing{done: make(chan struct{})}
		go c.dial(c.dialing)
	}
	d := c.dialing
	c.mu.Unlock()
	select {
	case <-d.done:
		return d.client, false, d.err
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
}

// dial creates the client for d. Close waits for it; a client created after
// Close is disconnected at once.
func (c *Checker) dial(d *dialing) {
	defer close(d.done)
	client, err := mongo.Connect(options.Client().
		ApplyURI(c.o.URI).
		SetAppName("opsbot-check").
		SetServerSelectionTimeout(c.o.ConnectTimeout).
		SetConnectTimeout(c.o.ConnectTimeout).
		// A check needs one connection; a second lets a slow count not
		// hold up the next ping.
		SetMaxPoolSize(2))

	c.mu.Lock()
	defer c.mu.Unlock()
	c.dialing = nil // a failed attempt is retried by the next Check
	switch {
	case err != nil:
		d.err = err
	case c.closed:
		d.err = errClosed
		ctx, cancel := context.WithTimeout(context.Background(), c.o.ConnectTimeout)
		defer cancel()
		_ = client.Disconnect(ctx) // nothing was sent yet: this only stops the monitors
	default:
		c.client, d.client = client, client
	}
}

func (c *Checker) setWarm() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.warm = true
}

// Close disconnects the client, within ctx, after waiting for a client
// being created. Checks after Close fail with "checker closed"; closing
// again does nothing.
func (c *Checker) Close(ctx context.Context) error {
	c.mu.Lock()
	c.closed = true
	client, d := c.client, c.dialing
	c.client = nil
	c.mu.Unlock()
	if d != nil {
		select {
		case <-d.done:
		case <-ctx.Done():
			return fmt.Errorf("mongocheck: close: still resolving the URI: %w", ctx.Err())
		}
	}
	if client == nil {
		return nil
	}
	if err := client.Disconnect(ctx); err != nil {
		return fmt.Errorf("mongocheck: disconnect: %s", problem(ctx, err))
	}
	return nil
}
