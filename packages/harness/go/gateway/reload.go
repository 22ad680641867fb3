package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"log"
	"os"
	"sync"
	"time"
)

// watchedFile reloads a config file when its mtime or size changes (the harness replaces it by
// rename, as Istio delivers a changed WasmPlugin). A file that does not parse is logged with its
// name and error, and the last good one stays in use. A missing file means "no config" (no
// WasmPlugin, no routes): apply is called with nil.
type watchedFile struct {
	path  string
	label string
	// apply parses raw (nil: file absent) and installs it; an error keeps the last good config.
	apply func(raw []byte) error

	mu       sync.Mutex
	stat     fileStamp
	hash     string // sha256 of the bytes last loaded; "" while no file has been loaded
	loadedAt time.Time
}

type fileStamp struct {
	exists  bool
	modTime time.Time
	size    int64
}

func (w *watchedFile) snapshot() (hash string, loadedAt time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.hash, w.loadedAt
}

// poll checks the file once and reloads it when it changed; it reports whether a new config was installed.
func (w *watchedFile) poll(force bool) bool {
	st, err := os.Stat(w.path)
	stamp := fileStamp{}
	switch {
	case err == nil:
		stamp = fileStamp{exists: true, modTime: st.ModTime(), size: st.Size()}
	case errors.Is(err, fs.ErrNotExist):
	default:
		log.Printf("%s %s: %v; keeping the last good config", w.label, w.path, err)
		return false
	}
	w.mu.Lock()
	unchanged := !force && stamp == w.stat
	w.mu.Unlock()
	if unchanged {
		return false
	}

	var raw []byte
	if stamp.exists {
		if raw, err = os.ReadFile(w.path); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return false // replaced between stat and read: the next poll sees the new file
			}
			log.Printf("%s %s: %v; keeping the last good config", w.label, w.path, err)
			return false
		}
	}
	hash := ""
	if raw != nil {
		sum := sha256.Sum256(raw)
		hash = hex.EncodeToString(sum[:])
	}
	w.mu.Lock()
	w.stat = stamp
	same := hash == w.hash && !w.loadedAt.IsZero()
	w.mu.Unlock()
	if same {
		return false
	}
	if err := w.apply(raw); err != nil {
		log.Printf("%s %s: %v; keeping the last good config", w.label, w.path, err)
		return false
	}
	w.mu.Lock()
	w.hash, w.loadedAt = hash, time.Now()
	w.mu.Unlock()
	if raw == nil {
		log.Printf("%s %s: absent; running without it", w.label, w.path)
	} else {
		log.Printf("%s %s: loaded (sha256 %s)", w.label, w.path, hash)
	}
	return true
}

func (w *watchedFile) run(stop <-chan struct{}, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			w.poll(false)
		}
	}
}
