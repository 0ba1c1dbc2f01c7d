package config

import (
	"context"
	"errors"

	"github.com/infinitic-go/infinitic/worker"
)

// RunWorker is the body of a worker program configured by a file: it loads
// file, opens the backend it describes, builds a worker from it, lets
// register add the services and workflows this program hosts, and runs the
// worker until ctx ends (then drains it and closes the backend).
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
	w, err := worker.New(b.WorkerConfig())
	if err != nil {
		return err
	}
	if err := register(w); err != nil {
		return err
	}
	return w.Run(ctx)
}
