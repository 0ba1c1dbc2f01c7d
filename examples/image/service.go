package image

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/infinitic-go/infinitic"
)

// OriginalSize is the number of pixels of a downloaded picture.
const OriginalSize = 1024

// CDN is the base URL of uploaded pictures.
const CDN = "https://cdn.example.com/"

// InvalidInputError reports an argument no retry can fix; Service returns
// it wrapped with infinitic.NonRetryable, and its fields cross the wire.
type InvalidInputError struct {
	Method string
	Reason string
}

func (e *InvalidInputError) Error() string { return e.Method + ": " + e.Reason }

func invalid(method, format string, args ...any) error {
	return infinitic.NonRetryable(&InvalidInputError{Method: method, Reason: fmt.Sprintf(format, args...)})
}

// Service is an ImageUtil that works without network: pictures are rows of
// 8-bit gray pixels, generated from their URL. It is safe for concurrent
// use, and idempotent, as tasks may run more than once.
type Service struct {
	mu       sync.Mutex
	dir      string              // where uploads are kept, if not in memory
	uploads  map[string][]byte   // by URL, when dir is ""
	profiles map[string][]string // URLs by email
}

// NewService returns an empty Service keeping uploads in memory.
func NewService() *Service {
	return &Service{uploads: map[string][]byte{}, profiles: map[string][]string{}}
}

// NewDiskService returns a Service keeping uploads as files in dir, like
// a real CDN they survive the process: workflows interrupted by a crash
// and resumed by another process find the pictures uploaded before.
func NewDiskService(dir string) (*Service, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	s := NewService()
	s.dir = dir
	return s, nil
}

// keep stores an upload.
func (s *Service) keep(u string, img []byte) error {
	if s.dir == "" {
		s.uploads[u] = slices.Clone(img)
		return nil
	}
	return os.WriteFile(filepath.Join(s.dir, path.Base(u)), img, 0o644)
}

// uploaded tells whether u was uploaded.
func (s *Service) uploaded(u string) bool {
	if s.dir == "" {
		_, ok := s.uploads[u]
		return ok
	}
	_, err := os.Stat(filepath.Join(s.dir, path.Base(u)))
	return err == nil
}

// Download returns OriginalSize pixels derived from rawURL with SHA-256, so
// that the same URL always gives the same picture.
func (s *Service) Download(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, invalid("Download", "%q is not an http(s) URL", rawURL)
	}
	img := make([]byte, 0, OriginalSize)
	var block [8]byte
	for i := uint64(0); len(img) < OriginalSize; i++ {
		binary.BigEndian.PutUint64(block[:], i)
		sum := sha256.Sum256(append([]byte(rawURL), block[:]...))
		img = append(img, sum[:min(len(sum), OriginalSize-len(img))]...)
	}
	return img, nil
}

// Resize returns in.Size pixels sampled from in.Image (nearest neighbour).
func (s *Service) Resize(ctx context.Context, in ResizeInput) ([]byte, error) {
	switch {
	case len(in.Image) == 0:
		return nil, invalid("Resize", "empty image")
	case in.Size <= 0:
		return nil, invalid("Resize", "size must be positive, got %d", in.Size)
	}
	out := make([]byte, in.Size)
	for i := range out {
		out[i] = in.Image[i*len(in.Image)/in.Size]
	}
	return out, nil
}

// Upload keeps in.Image and returns its URL, made of the hash of its
// content: uploading the same picture twice gives the same URL.
func (s *Service) Upload(ctx context.Context, in UploadInput) (string, error) {
	if len(in.Image) != in.Size {
		return "", invalid("Upload", "image has %d pixels, not %d", len(in.Image), in.Size)
	}
	sum := sha256.Sum256(in.Image)
	u := fmt.Sprintf("%s%s-%d.gray", CDN, hex.EncodeToString(sum[:8]), in.Size)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.keep(u, in.Image); err != nil {
		return "", err // retried
	}
	return u, nil
}

// Save records in.URLs as the pictures of in.Email. Every URL must have
// been uploaded.
func (s *Service) Save(ctx context.Context, in SaveInput) (string, error) {
	if !strings.Contains(in.Email, "@") {
		return "", invalid("Save", "%q is not an email address", in.Email)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range in.URLs {
		if !s.uploaded(u) {
			return "", invalid("Save", "%s was not uploaded", u)
		}
	}
	s.profiles[in.Email] = slices.Clone(in.URLs)
	noun := "images"
	if len(in.URLs) == 1 {
		noun = "image"
	}
	return fmt.Sprintf("saved %d %s for %s", len(in.URLs), noun, in.Email), nil
}

// Uploaded returns the picture uploaded at u.
func (s *Service) Uploaded(u string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	img, ok := s.uploads[u]
	return slices.Clone(img), ok
}

// Profile returns the URLs saved for email.
func (s *Service) Profile(email string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.profiles[email])
}
