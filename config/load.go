package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load reads the file at path (YAML), applies the INFINITIC_* variables of
// the environment over it, and validates the result. An empty path reads
// no file: defaults and environment only. Every unknown key and invalid
// value is reported, each with the file and line (or the variable) and the
// key, such as
//
//	infinitic.yml:12: services.ImageUtil.concurrency: must be at least 1, got 0
func Load(path string) (*Config, error) {
	var data []byte
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
	}
	return parse(path, data, os.Environ())
}

// lineOf returns the line of file that err is about, or a line after all
// others for errors about the environment.
func lineOf(file string, err error) int {
	rest, ok := strings.CutPrefix(err.Error(), file+":")
	if !ok {
		return math.MaxInt32
	}
	digits, _, _ := strings.Cut(rest, ":")
	n, err := strconv.Atoi(digits)
	if err != nil {
		return math.MaxInt32
	}
	return n
}

// yamlLine is how the YAML parser locates its errors.
var yamlLine = regexp.MustCompile(`^line (\d+):`)

// parse decodes data, read from file, then applies environ over it.
func parse(file string, data []byte, environ []string) (*Config, error) {
	c := &Config{src: sources{}}
	d := &decoder{file: file, src: c.src}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF): // an empty file: defaults
	case err != nil:
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if yamlLine.MatchString(msg) {
			d.errs = append(d.errs, fmt.Errorf("%s:%s", file, yamlLine.ReplaceAllString(msg, "$1:")))
		} else {
			d.errs = append(d.errs, fmt.Errorf("%s: %s", file, msg))
		}
	default:
		if len(doc.Content) == 1 {
			d.decode(doc.Content[0], reflect.ValueOf(c).Elem(), "", 0)
			delete(c.src, "")
		}
		var more yaml.Node
		if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
			d.errs = append(d.errs, fmt.Errorf("%s: want one YAML document, found more (---)", file))
		}
	}
	d.errs = append(d.errs, c.applyEnv(environ)...)
	d.errs = append(d.errs, c.validate()...)
	slices.SortStableFunc(d.errs, func(a, b error) int { return lineOf(file, a) - lineOf(file, b) })
	if err := errors.Join(d.errs...); err != nil {
		return nil, fmt.Errorf("config: invalid configuration:\n%w", err)
	}
	return c, nil
}
