package stored

import (
	"errors"
	"testing"
)

// fakeRows is a result set of string rows, for Collect alone.
type fakeRows struct {
	rows []string
	i    int
	err  error
}

func (f *fakeRows) Next() bool { f.i++; return f.i <= len(f.rows) }
func (f *fakeRows) Scan(dest ...any) error {
	*dest[0].(*string) = f.rows[f.i-1]
	return nil
}
func (f *fakeRows) Err() error { return f.err }

func scanString(scan func(dest ...any) error) (string, error) {
	var s string
	err := scan(&s)
	return s, err
}

// TestCollect: every row in order, then the result set's own error; a
// scan's error stops the read and comes back.
func TestCollect(t *testing.T) {
	got, err := Collect(&fakeRows{rows: []string{"a", "b"}}, scanString)
	if err != nil || len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("Collect = %v, %v; want [a b]", got, err)
	}
	broken := errors.New("connection lost")
	if _, err := Collect(&fakeRows{rows: []string{"a"}, err: broken}, scanString); !errors.Is(err, broken) {
		t.Fatalf("rows error: %v, want %v", err, broken)
	}
	bad := errors.New("bad column")
	_, err = Collect(&fakeRows{rows: []string{"a", "b"}}, func(scan func(...any) error) (string, error) { return "", bad })
	if !errors.Is(err, bad) {
		t.Fatalf("scan error: %v, want %v", err, bad)
	}
}
