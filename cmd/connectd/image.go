//go:build connectd_image

package main

// The container image (cmd/connectd-image) holds nothing but this binary:
// no /etc/ssl/certs for TLS to PostgreSQL, no /usr/share/zoneinfo. Built
// with -tags connectd_image, the binary carries both: Mozilla's CA roots
// (used only when the system has none) and Go's copy of the time zone
// database.
import (
	_ "time/tzdata"

	_ "golang.org/x/crypto/x509roots/fallback"
)
