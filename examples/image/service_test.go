package image

import (
	"context"
	"testing"
)

func TestDownloadIsDeterministic(t *testing.T) {
	s := NewService()
	ctx := context.Background()
	a, err := s.Download(ctx, "https://example.com/a.jpg")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := s.Download(ctx, "https://example.com/a.jpg")
	b, _ := s.Download(ctx, "https://example.com/b.jpg")
	if len(a) != OriginalSize || string(a) != string(again) || string(a) == string(b) {
		t.Fatalf("want %d stable pixels per URL, different across URLs", OriginalSize)
	}
}

func TestResizeSamples(t *testing.T) {
	img := []byte{0, 1, 2, 3, 4, 5, 6, 7}
	got, err := NewService().Resize(context.Background(), ResizeInput{Image: img, Size: 4})
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string([]byte{0, 2, 4, 6}) {
		t.Fatalf("got %v", got)
	}
	if _, err := NewService().Resize(context.Background(), ResizeInput{Image: img, Size: 0}); err == nil {
		t.Fatal("size 0 must fail")
	}
}

func TestUploadThenSave(t *testing.T) {
	s := NewService()
	ctx := context.Background()
	u1, err := s.Upload(ctx, UploadInput{Image: []byte{1, 2}, Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	u2, _ := s.Upload(ctx, UploadInput{Image: []byte{1, 2}, Size: 2})
	if u1 != u2 {
		t.Fatalf("same picture, different URLs: %s %s", u1, u2)
	}
	if _, err := s.Save(ctx, SaveInput{Email: "a@b.c", URLs: []string{u1, CDN + "missing"}}); err == nil {
		t.Fatal("saving a URL never uploaded must fail")
	}
	got, err := s.Save(ctx, SaveInput{Email: "a@b.c", URLs: []string{u1}})
	if err != nil || got != "saved 1 image for a@b.c" {
		t.Fatalf("got %q, %v", got, err)
	}
	if p := s.Profile("a@b.c"); len(p) != 1 || p[0] != u1 {
		t.Fatalf("profile %v", p)
	}
}
