package pgtest

import (
	"net"
	"net/url"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// URL is DSN in the postgres:// URL form, the one `connectd serve --data`
// recognises. TLS is kept as sslmode=require when the DSN used it (the
// certificate settings of a keyword/value DSN are not carried over).
func URL(t testing.TB) string {
	t.Helper()
	dsn := DSN(t)
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("pgtest: parse DSN: %v", err)
	}
	mode := "disable"
	if cfg.TLSConfig != nil {
		mode = "require"
	}
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(cfg.User, cfg.Password),
		Host:     net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))),
		Path:     "/" + cfg.Database,
		RawQuery: url.Values{"sslmode": {mode}}.Encode(),
	}
	return u.String()
}
