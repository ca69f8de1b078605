package api

import (
	"net/http"

	"github.com/connectd/connectd"
)

// Exceptions of the flow operations.
const (
	excInvalidFlow = "InvalidContactFlowException"
	excDuplicate   = "DuplicateResourceException"
)

// flowException maps the flow use cases' error codes ("" for the others).
func flowException(code string) string {
	switch code {
	case connectd.EINVALIDFLOW:
		return excInvalidFlow
	case connectd.EDUPLICATE:
		return excDuplicate
	case connectd.ERESOURCECONFLICT:
		return excResourceConflict
	}
	return ""
}

// writeOpError writes an operation's error as writeError does, except
// InvalidContactFlowException, whose model shape carries the problems
// list ("problems": [{"message": ...}]) the SDKs decode into
// types.InvalidContactFlowException.Problems, one entry per problem.
func writeOpError(w http.ResponseWriter, err error, exc string, code int, message string) {
	problems := connectd.ProblemsOf(err)
	if exc != excInvalidFlow || problems == nil {
		writeError(w, exc, code, message)
		return
	}
	type problem struct {
		Message string `json:"message"`
	}
	body := struct {
		Message  string    `json:"Message"`
		Problems []problem `json:"problems"`
	}{Message: message}
	for _, p := range problems {
		body.Problems = append(body.Problems, problem{p})
	}
	w.Header().Set("X-Amzn-ErrorType", exc)
	writeJSON(w, code, body)
}
