package main

import (
	"bytes"
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/infinitic-go/infinitic/broker"
	"github.com/infinitic-go/infinitic/embedded"
)

// usersFile is the content of `infinitic server --users FILE`.
type usersFile struct {
	Users []struct {
		Name     string      `yaml:"name"`
		Password string      `yaml:"password"`
		NKey     string      `yaml:"nkey"`
		Role     broker.Role `yaml:"role"`
		Services []string    `yaml:"services"`
	} `yaml:"users"`
}

// readUsers reads the users of a --users file.
func readUsers(path string) ([]embedded.User, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f usersFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(f.Users) == 0 {
		return nil, fmt.Errorf("%s: no users", path)
	}
	users := make([]embedded.User, len(f.Users))
	for i, u := range f.Users {
		users[i] = embedded.User{Name: u.Name, Password: u.Password, NKey: u.NKey, Role: u.Role, Services: u.Services}
	}
	return users, nil
}

// exposedWarning is printed when the server accepts anyone on a
// non-loopback address.
const exposedWarning = "WARNING: listening on %s without --users: anyone who reaches this address can " +
	"start workflows, forge task results and overwrite state. Give --users (and TLS) to protect it.\n"
