package postgres

import (
	"testing"
	"time"
)

// TestPoolDefaults: without pool settings in the DSN, the pool uses the
// failover defaults (minutes of connection lifetime, seconds between
// health checks, a 2 s connect timeout per host, DefaultMaxConns
// connections); a DSN's own settings win.
func TestPoolDefaults(t *testing.T) {
	cfg, err := poolConfig("host=h1,h2 user=u dbname=d sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxConnLifetime != DefaultMaxConnLifetime || cfg.HealthCheckPeriod != DefaultHealthCheckPeriod ||
		cfg.ConnConfig.ConnectTimeout != DefaultConnectTimeout || cfg.MaxConnLifetimeJitter == 0 {
		t.Errorf("defaults: lifetime %v, health check %v, connect timeout %v, jitter %v",
			cfg.MaxConnLifetime, cfg.HealthCheckPeriod, cfg.ConnConfig.ConnectTimeout, cfg.MaxConnLifetimeJitter)
	}
	if cfg.MaxConns != DefaultMaxConns {
		t.Errorf("pool size %d, want DefaultMaxConns %d", cfg.MaxConns, DefaultMaxConns)
	}
	if len(cfg.ConnConfig.Fallbacks) != 1 {
		t.Errorf("two hosts gave %d fallbacks, want 1", len(cfg.ConnConfig.Fallbacks))
	}
	cfg, err = poolConfig("postgres://u@h/d?pool_max_conn_lifetime=1h&pool_health_check_period=30s&connect_timeout=9&pool_max_conns=3")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxConnLifetime != time.Hour || cfg.HealthCheckPeriod != 30*time.Second || cfg.ConnConfig.ConnectTimeout != 9*time.Second ||
		cfg.MaxConns != 3 {
		t.Errorf("the DSN's own settings: lifetime %v, health check %v, connect timeout %v, pool size %d",
			cfg.MaxConnLifetime, cfg.HealthCheckPeriod, cfg.ConnConfig.ConnectTimeout, cfg.MaxConns)
	}
}

// TestParseLSN reads pg_lsn's text form and refuses anything else.
func TestParseLSN(t *testing.T) {
	for in, want := range map[string]uint64{"0/0": 0, "16/B374D848": 0x16<<32 | 0xB374D848, "FFFFFFFF/FFFFFFFF": 1<<64 - 1} {
		if got, err := parseLSN(in); err != nil || got != want {
			t.Errorf("parseLSN(%q) = %x, %v; want %x", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "16", "16/", "/1", "G/1", "1/100000000"} {
		if _, err := parseLSN(bad); err == nil {
			t.Errorf("parseLSN(%q) succeeded", bad)
		}
	}
}
