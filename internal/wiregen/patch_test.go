package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func loadVendored(t *testing.T) *model {
	t.Helper()
	m, err := loadModel(filepath.Join("..", "..", "api", "model", "service-2.json"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestPatch applies connectd's patch file and checks each departure took.
func TestPatch(t *testing.T) {
	m := loadVendored(t)
	if err := m.applyPatch(filepath.Join("..", "..", "api", "model", "patch.json")); err != nil {
		t.Fatal(err)
	}
	if !m.shapes["InboundEmailContent"].member("RawMessage").Required {
		t.Error("EmailMessage.RawMessage is not required")
	}
	phone := *m.shapes["PhoneNumber"].Pattern
	if matches(phone, "x+14255550100") || !matches(phone, "+14255550100") {
		t.Errorf("PhoneNumber pattern %q is not anchored E.164", phone.RE2)
	}
	if min := m.shapes["ExpiryDurationInMinutes"].Min; min == nil || *min != 1 {
		t.Errorf("ExpiryDurationInMinutes min = %v", min)
	}
}

// TestPatchRefusesStaleDepartures: a departure must give its reason, and
// one that no longer applies (gone shape or member, or the model now says
// the same) fails the generation, so that a model refresh shows it.
func TestPatchRefusesStaleDepartures(t *testing.T) {
	for name, tc := range map[string]struct{ patch, want string }{
		"no reason":       {`{"departures":[{"shape":"PhoneNumber","pattern":"^x$"}]}`, "reason"},
		"unknown shape":   {`{"departures":[{"shape":"NoSuchShape","min":1,"reason":"r"}]}`, "no such shape"},
		"unknown member":  {`{"departures":[{"shape":"InboundEmailContent","required":["Nope"],"reason":"r"}]}`, "no member Nope"},
		"already so":      {`{"departures":[{"shape":"InboundEmailContent","required":["MessageSourceType"],"reason":"r"}]}`, "already"},
		"same pattern":    {`{"departures":[{"shape":"DirectoryId","pattern":"^d-[0-9a-f]{10}$","reason":"r"}]}`, "already"},
		"bad pattern":     {`{"departures":[{"shape":"DirectoryId","pattern":"^a(?!b)c","reason":"r"}]}`, "look-around"},
		"not a JSON file": {`departures`, "parse"},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "patch.json")
			if err := os.WriteFile(path, []byte(tc.patch), 0o644); err != nil {
				t.Fatal(err)
			}
			err := loadVendored(t).applyPatch(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

// TestImportTrims refreshes a model directory from the shared botocore
// copy's layout and checks the trimmed file keeps structure, not prose.
func TestImportTrims(t *testing.T) {
	from, dir := t.TempDir(), t.TempDir()
	src := `{"version":"2.0","documentation":"<p>prose</p>","operations":{"Op":{"name":"Op","http":{"method":"GET","requestUri":"/x"},` +
		`"input":{"shape":"In"},"errors":[],"documentation":"<p>more</p>"}},` +
		`"shapes":{"In":{"type":"structure","members":{"B":{"shape":"S","documentation":"b"},"A":{"shape":"S"}}},"S":{"type":"string","max":3,"pattern":"<a&b>"}}}`
	if err := os.WriteFile(filepath.Join(from, "service-2.json"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := importModel(from, dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "service-2.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	if strings.Contains(got, "documentation") || strings.Contains(got, "prose") {
		t.Errorf("documentation kept:\n%s", got)
	}
	if strings.Index(got, `"B"`) > strings.Index(got, `"A"`) || !strings.Contains(got, `"<a&b>"`) || !strings.Contains(got, `"max": 3`) {
		t.Errorf("order, escaping or constraints changed:\n%s", got)
	}
}

// TestLoadRefusesWhatTheRouterCannotServe: a model revision with a greedy
// label, a query in a URI template, or a label its template lacks fails
// the generation instead of routing wrongly.
func TestLoadRefusesWhatTheRouterCannotServe(t *testing.T) {
	for name, uri := range map[string]string{"greedy": "/x/{Key+}", "query": "/x/{Id}?list", "missing label": "/x"} {
		t.Run(name, func(t *testing.T) {
			src := `{"operations":{"Op":{"http":{"method":"GET","requestUri":"` + uri + `"},"input":{"shape":"In"}}},` +
				`"shapes":{"In":{"type":"structure","members":{"Id":{"shape":"S","location":"uri","locationName":"Id"}}},"S":{"type":"string"}}}`
			path := filepath.Join(t.TempDir(), "service-2.json")
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := loadModel(path); err == nil || !strings.Contains(err.Error(), "operation Op") {
				t.Fatalf("got %v, want an error about Op", err)
			}
		})
	}
}
