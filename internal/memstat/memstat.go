// Package memstat measures the peak memory of a benchmark run: the Go heap
// in use, the memory obtained from the OS, and the resident set size.
// `infinitic bench` and the peers' benchmark (bench/peers, a module of its
// own) both use it, so that they measure alike.
package memstat

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Sampler tracks the peak heap and the peak memory obtained from the OS
// while a run lasts.
type Sampler struct {
	quit, done     chan struct{}
	peakHeap, peak uint64
}

// sampleEvery is the sampling period (ReadMemStats stops the world
// briefly; every 50ms costs nothing measurable).
const sampleEvery = 50 * time.Millisecond

// Start resets the peak resident set size and starts sampling.
func Start() *Sampler {
	resetPeakRSS()
	m := &Sampler{quit: make(chan struct{}), done: make(chan struct{})}
	m.sample()
	go func() {
		defer close(m.done)
		t := time.NewTicker(sampleEvery)
		defer t.Stop()
		for {
			select {
			case <-m.quit:
				return
			case <-t.C:
				m.sample()
			}
		}
	}()
	return m
}

func (m *Sampler) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.peakHeap = max(m.peakHeap, ms.HeapInuse)
	m.peak = max(m.peak, ms.Sys)
}

// Stop ends sampling and returns the peak HeapInuse, the peak Sys and the
// peak resident set size of the process, in bytes (rss is 0 when unknown).
func (m *Sampler) Stop() (heapInuse, sys, rss uint64) {
	close(m.quit)
	<-m.done
	m.sample()
	return m.peakHeap, m.peak, peakRSS()
}

// resetPeakRSS resets VmHWM (Linux 4.0+), so that peakRSS measures this
// run rather than the whole life of the process. Best effort.
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS reads VmHWM from /proc/self/status, in bytes; 0 if unavailable.
func peakRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
