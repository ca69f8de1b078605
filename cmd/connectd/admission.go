package main

import (
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/connectd/connectd/api"
)

// admissionFlags holds the raw flags of api.Admission: how much work
// connectd takes on at once before it answers 429 or 503 (README,
// "Overload").
type admissionFlags struct {
	requestTimeout, maxSearches, searchWait string
}

// addAdmissionFlags adds them to fs; def reads a flag's environment
// variable, as for the other flags.
func addAdmissionFlags(fs *flag.FlagSet, def func(name, fallback string) string, a *admissionFlags) {
	fs.StringVar(&a.requestTimeout, "request-timeout", def("request-timeout", api.DefaultRequestTimeout.String()),
		"`duration` a Connect operation may take before it is answered 503 ServiceUnavailableException (0: no deadline) [CONNECTD_REQUEST_TIMEOUT]")
	fs.StringVar(&a.maxSearches, "max-searches", def("max-searches", strconv.Itoa(api.DefaultSearches)),
		"most Search* operations run at once; more wait up to --search-wait, then get 429 (0: no limit) [CONNECTD_MAX_SEARCHES]")
	fs.StringVar(&a.searchWait, "search-wait", def("search-wait", api.DefaultQueueWait.String()),
		"`duration` a search waits for a slot under --max-searches before it is answered 429 [CONNECTD_SEARCH_WAIT]")
}

// parse returns the api.Admission the flags give.
func (a admissionFlags) parse() (api.Admission, error) {
	var adm api.Admission
	d, err := time.ParseDuration(a.requestTimeout)
	if err != nil || d < 0 {
		return adm, fmt.Errorf("--request-timeout must be a duration such as 4s (0 for no deadline), not %q", a.requestTimeout)
	}
	adm.RequestTimeout = d
	if d == 0 {
		adm.RequestTimeout = -1 // Admission's "none"; its zero is the default
	}
	n, err := strconv.Atoi(a.maxSearches)
	if err != nil || n < 0 {
		return adm, fmt.Errorf("--max-searches must be a number of searches (0 for no limit), not %q", a.maxSearches)
	}
	adm.Searches = n
	if n == 0 {
		adm.Searches = -1
	}
	if adm.QueueWait, err = time.ParseDuration(a.searchWait); err != nil || adm.QueueWait <= 0 {
		return adm, fmt.Errorf("--search-wait must be a positive duration such as 1s, not %q", a.searchWait)
	}
	return adm, nil
}
