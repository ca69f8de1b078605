package api

import (
	"slices"

	"github.com/connectd/connectd"
)

// validator keeps the first violation of the documented rules a handler
// applies beyond the model (the model's own constraints are checked by op,
// before the handler runs; see check.go). Its errors are EINVALID, which
// the error writer sends as InvalidParameterException, or as
// InvalidRequestException for operations that do not model the former.
type validator struct {
	err error
}

func (v *validator) fail(format string, args ...any) {
	if v.err == nil {
		v.err = connectd.Errorf(connectd.EINVALID, format, args...)
	}
}

// failRequest records an InvalidRequestException: a request that is well
// formed member by member but not as a whole.
func (v *validator) failRequest(format string, args ...any) {
	if v.err == nil {
		v.err = connectd.Errorf(connectd.EINVALIDREQUEST, format, args...)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
