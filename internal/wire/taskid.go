package wire

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// TaskID is the id of the task at a position of a workflow instance, in
// a generation (see State.Generation): "<workflow>/<id>/<position>/<gen>".
// It is stable across attempts and tells where the task's outcome goes
// (delegated tasks are completed by id).
func TaskID(workflow, id string, position, gen int) string {
	return fmt.Sprintf("%s/%s/%d/%d", workflow, id, position, gen)
}

// ChildID is the id of the child workflow started at a position of
// instance id in its run number run (State.Continued): "<id>.<position>"
// in its first run (a retried parent finds its child again), "<id>.r<run>.<position>"
// in the runs after a continue-as-new, whose positions start again at 0.
func ChildID(id string, run, position int) string {
	if run == 0 {
		return fmt.Sprintf("%s.%d", id, position)
	}
	return fmt.Sprintf("%s.r%d.%d", id, run, position)
}

// ErrTaskID is returned for a malformed task id.
var ErrTaskID = errors.New("malformed task id")

// ParseTaskID splits a task id made by TaskID.
func ParseTaskID(taskID string) (workflow, id string, position, gen int, err error) {
	bad := fmt.Errorf("%w: %q", ErrTaskID, taskID)
	workflow, rest, ok := strings.Cut(taskID, "/")
	if !ok || workflow == "" {
		return "", "", 0, 0, bad
	}
	i := strings.LastIndexByte(rest, '/')
	if i < 0 {
		return "", "", 0, 0, bad
	}
	gen, err = strconv.Atoi(rest[i+1:])
	rest = rest[:i]
	j := strings.LastIndexByte(rest, '/')
	if err != nil || gen < 0 || j <= 0 {
		return "", "", 0, 0, bad
	}
	position, err = strconv.Atoi(rest[j+1:])
	if err != nil || position < 0 {
		return "", "", 0, 0, bad
	}
	return workflow, rest[:j], position, gen, nil
}
