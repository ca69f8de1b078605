package storetest

import (
	"sync"
	"testing"

	"github.com/connectd/connectd"
)

// Parallel runs fn(i) for i in [0, n) on n goroutines started together,
// so that what they race for is raced for.
func Parallel(n int, fn func(i int)) {
	var ready, done sync.WaitGroup
	gate := make(chan struct{})
	for i := range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-gate
			fn(i)
		}()
	}
	ready.Wait()
	close(gate)
	done.Wait()
}

// Succeeded counts the nil errors of a race's errs; each other error must
// have the code refused (the losers' answer), or the test fails naming it.
func Succeeded(t *testing.T, what string, errs []error, refused string) int {
	t.Helper()
	ok := 0
	for i, err := range errs {
		switch connectd.ErrorCode(err) {
		case "":
			ok++
		case refused:
		default:
			t.Errorf("%s %d: %v, want success or %s", what, i, err, refused)
		}
	}
	return ok
}
