package config

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/schedule"
	"github.com/infinitic-go/infinitic/worker"
)

// createTimeout bounds the creation of the file's schedules at start.
const createTimeout = time.Minute

// RunWorker is the body of a worker program configured by a file: it loads
// file, opens the backend it describes, builds a worker from it, lets
// register add the services and workflows this program hosts, and runs the
// worker until ctx ends (then drains it and closes the backend).
//
// If the file declares schedules, the worker also hosts them
// (schedule.Host: register must not) and, once running, creates or
// updates each one (schedule.CreateCall: a schedule whose definition did
// not change is left as it is, so a restart catches up its missed slots).
// A schedule that cannot be created within a minute stops the worker with
// an error.
func RunWorker(ctx context.Context, file string, register func(*worker.Worker) error) (err error) {
	cfg, err := Load(file)
	if err != nil {
		return err
	}
	b, err := cfg.Open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, b.Close()) }()
	return cfg.run(ctx, b, register)
}

// run is RunWorker on the opened backend b.
func (c *Config) run(ctx context.Context, b *Backend, register func(*worker.Worker) error) error {
	w, err := worker.New(b.WorkerConfig())
	if err != nil {
		return err
	}
	if err := register(w); err != nil {
		return err
	}
	if len(c.Schedules) == 0 {
		return w.Run(ctx)
	}
	if err := schedule.Host(w); err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	if err := createSchedules(runCtx, b, c.Schedules); err != nil {
		cancel()
		return errors.Join(err, <-done)
	}
	return <-done
}

// createSchedules creates or updates the schedules of the file.
func createSchedules(ctx context.Context, b *Backend, all map[string]*Schedule) error {
	ctx, cancel := context.WithTimeout(ctx, createTimeout)
	defer cancel()
	c, err := client.New(ctx, b.ClientConfig())
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	for _, name := range sortedKeys(all) {
		s := all[name]
		if err := schedule.CreateCall(ctx, c, name, s.Spec(), s.Call(), schedule.WithTags(s.Tags...)); err != nil {
			return fmt.Errorf("config: schedules.%s: %w", name, err)
		}
	}
	return nil
}
