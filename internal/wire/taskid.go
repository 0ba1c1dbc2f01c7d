package wire

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// TaskID is the id of the task at a position of a workflow instance:
// "<workflow>/<id>/<position>". It is stable across attempts and tells
// where the task's outcome goes (delegated tasks are completed by id).
func TaskID(workflow, id string, position int) string {
	return fmt.Sprintf("%s/%s/%d", workflow, id, position)
}

// ErrTaskID is returned for a malformed task id.
var ErrTaskID = errors.New("malformed task id")

// ParseTaskID splits a task id made by TaskID.
func ParseTaskID(taskID string) (workflow, id string, position int, err error) {
	workflow, rest, ok := strings.Cut(taskID, "/")
	i := strings.LastIndexByte(rest, '/')
	if !ok || workflow == "" || i <= 0 {
		return "", "", 0, fmt.Errorf("%w: %q", ErrTaskID, taskID)
	}
	position, err = strconv.Atoi(rest[i+1:])
	if err != nil || position < 0 {
		return "", "", 0, fmt.Errorf("%w: %q", ErrTaskID, taskID)
	}
	return workflow, rest[:i], position, nil
}
