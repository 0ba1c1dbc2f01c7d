package config

import (
	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/worker"
)

// retryPolicy is the retry policy of service name: DefaultRetryPolicy with
// the keys of the file (or environment) over it.
func (c *Config) retryPolicy(name string) infinitic.RetryPolicy {
	p, r, at := infinitic.DefaultRetryPolicy, c.Services[name].Retry, "services."+name+".retry."
	set := func(key string) bool { _, ok := c.src[at+key]; return ok }
	if set("minDelay") {
		p.MinDelay = r.MinDelay
	}
	if set("maxDelay") {
		p.MaxDelay = r.MaxDelay
	}
	if set("coefficient") {
		p.Coefficient = r.Coefficient
	}
	if set("randomFactor") {
		p.RandomFactor = r.RandomFactor
	}
	if set("maxRetries") {
		p.MaxRetries = r.MaxRetries
	}
	if set("nonRetryable") {
		p.NonRetryable = r.NonRetryable
	}
	return p
}

// ServiceOptions returns the options of every service, by name, for
// worker.Config.Services: only the keys set, so the others keep the
// code's options or the defaults.
func (c *Config) ServiceOptions() map[string][]worker.ServiceOption {
	all := map[string][]worker.ServiceOption{}
	for name, s := range c.Services {
		p := "services." + name
		opts := []worker.ServiceOption{}
		if _, ok := c.src[p+".concurrency"]; ok {
			opts = append(opts, worker.WithConcurrency(s.Concurrency))
		}
		if _, ok := c.src[p+".timeout"]; ok {
			opts = append(opts, worker.WithTimeout(s.Timeout))
		}
		if c.src.has(p + ".retry") {
			opts = append(opts, worker.WithRetry(c.retryPolicy(name)))
		}
		for method, b := range s.Batch {
			opts = append(opts, worker.WithBatchSize(method, b.MaxMessages, b.MaxWait))
		}
		all[name] = opts
	}
	return all
}

// WorkflowOptions returns the options of every workflow, by name, for
// worker.Config.Workflows: only the keys set.
func (c *Config) WorkflowOptions() map[string][]worker.WorkflowOption {
	all := map[string][]worker.WorkflowOption{}
	for name, w := range c.Workflows {
		p := "workflows." + name + "."
		opts := []worker.WorkflowOption{}
		set := func(key string) bool { _, ok := c.src[p+key]; return ok }
		if set("concurrency") {
			opts = append(opts, worker.WithConcurrency(w.Concurrency))
		}
		if set("fetchSize") {
			opts = append(opts, worker.WithFetchSize(w.FetchSize))
		}
		if set("retention") {
			opts = append(opts, worker.WithRetention(w.Retention))
		}
		if set("cacheSize") {
			opts = append(opts, worker.WithCacheSize(w.CacheSize))
		}
		all[name] = opts
	}
	return all
}
