// Package app wires the stores, services and HTTP API into one runnable service. The binary
// (cmd/pointsmarket) and the integration tests both build the service through it, so that tests
// exercise exactly what production runs.
package app

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	mysqldrv "github.com/go-sql-driver/mysql"

	"pointsmarket/internal/mysql"
	"pointsmarket/internal/redis"
)

// DevelopmentAuditKey seals checkpoints where no PM_AUDIT_KEY is set (and says so at start).
const DevelopmentAuditKey = "pointsmarket-development-audit-key-not-secret"

// Config is the service's configuration, read from the environment (the contract's names).
type Config struct {
	HTTPAddr       string        // PM_HTTP_ADDR
	MySQLDSN       string        // PM_MYSQL_DSN
	MySQLMaxConns  int           // PM_MYSQL_MAX_CONNS: connections per instance (the server's max_connections is shared by all)
	RedisAddr      string        // PM_REDIS_ADDR: one Redis server
	RedisSentinels []string      // PM_REDIS_SENTINELS: comma-separated Sentinels watching PM_REDIS_MASTER (instead of PM_REDIS_ADDR)
	RedisMaster    string        // PM_REDIS_MASTER: the master's name the Sentinels know
	RedisCluster   []string      // PM_REDIS_CLUSTER: comma-separated seed nodes of a Redis Cluster (instead of PM_REDIS_ADDR)
	RedisPrefix    string        // PM_REDIS_PREFIX: key prefix, so deployments and test runs can share a Redis
	Secret         string        // PM_SECRET: signs voucher and member codes
	AuditKey       string        // PM_AUDIT_KEY: seals audit checkpoints; kept outside the database
	AuditKeyDev    bool          // no PM_AUDIT_KEY was given: a fixed development key is used
	AuditOldKeys   []string      // PM_AUDIT_OLD_KEYS: comma-separated keys PM_AUDIT_KEY replaced, to check older seals
	Production     bool          // PM_ENV=production: PM_SECRET becomes mandatory
	CookieSecure   bool          // PM_COOKIE_SECURE: set behind HTTPS
	TrustedProxies []string      // PM_TRUSTED_PROXIES: comma-separated load balancer addresses
	CheckpointEach time.Duration // PM_CHECKPOINT_INTERVAL: how often audit checkpoints are published
	LogLevel       slog.Level    // PM_LOG_LEVEL: debug, info, warn, error
	DrainFor       time.Duration // PM_DRAIN_SECONDS: how long a stopping instance keeps serving after /readyz turns 503
	PprofAddr      string        // PM_PPROF_ADDR: where Go's profiles are served ("": not at all, the default)
	NotifyWebhook  string        // PM_NOTIFY_WEBHOOK: where notifications are posted beyond the app ("" : the log)
	NotifySecret   string        // PM_NOTIFY_SECRET: signs the webhook's bodies (HMAC-SHA256)
	// SecretGenerated is set when no PM_SECRET was given outside production.
	SecretGenerated bool
}

// LoadConfig reads the configuration through getenv. Outside production a missing PM_SECRET is
// replaced by a random one (and SecretGenerated set, for the caller to warn about).
func LoadConfig(getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	cfg := Config{
		HTTPAddr:    get("PM_HTTP_ADDR", ":8080"),
		MySQLDSN:    get("PM_MYSQL_DSN", "root@tcp(127.0.0.1:3306)/pointsmarket?parseTime=true"),
		RedisAddr:   get("PM_REDIS_ADDR", "127.0.0.1:6379"),
		RedisPrefix: get("PM_REDIS_PREFIX", "pm"),
		Secret:      getenv("PM_SECRET"),
		AuditKey:    getenv("PM_AUDIT_KEY"),
		AuditOldKeys: func() []string {
			if v := getenv("PM_AUDIT_OLD_KEYS"); v != "" {
				return strings.Split(v, ",")
			}
			return nil
		}(),
		Production: get("PM_ENV", "dev") == "production",
	}
	cfg.PprofAddr = get("PM_PPROF_ADDR", "")
	if v := get("PM_REDIS_SENTINELS", ""); v != "" {
		cfg.RedisSentinels, cfg.RedisMaster = strings.Split(v, ","), get("PM_REDIS_MASTER", "pm")
	}
	if v := get("PM_REDIS_CLUSTER", ""); v != "" {
		cfg.RedisCluster = strings.Split(v, ",")
	}
	if len(cfg.RedisSentinels) > 0 && len(cfg.RedisCluster) > 0 {
		return cfg, errors.New("PM_REDIS_SENTINELS and PM_REDIS_CLUSTER are two ways to reach Redis: set one")
	}
	cfg.CookieSecure = get("PM_COOKIE_SECURE", "false") == "true"
	if p := get("PM_TRUSTED_PROXIES", ""); p != "" {
		cfg.TrustedProxies = strings.Split(p, ",")
	}
	conns, err := strconv.Atoi(get("PM_MYSQL_MAX_CONNS", "32"))
	if err != nil || conns < 2 || conns > 1000 {
		return cfg, fmt.Errorf("PM_MYSQL_MAX_CONNS: want a number from 2 to 1000")
	}
	cfg.MySQLMaxConns = conns
	every, err := time.ParseDuration(get("PM_CHECKPOINT_INTERVAL", "1h"))
	if err != nil || every < time.Second {
		return cfg, fmt.Errorf("PM_CHECKPOINT_INTERVAL: want a duration of at least 1s, like 1h")
	}
	cfg.CheckpointEach = every
	drain, err := strconv.Atoi(get("PM_DRAIN_SECONDS", "5"))
	if err != nil || drain < 0 || drain > 300 {
		return cfg, fmt.Errorf("PM_DRAIN_SECONDS: want whole seconds from 0 to 300")
	}
	cfg.DrainFor = time.Duration(drain) * time.Second
	cfg.NotifyWebhook, cfg.NotifySecret = get("PM_NOTIFY_WEBHOOK", ""), getenv("PM_NOTIFY_SECRET")
	if cfg.NotifyWebhook != "" && !strings.HasPrefix(cfg.NotifyWebhook, "http://") && !strings.HasPrefix(cfg.NotifyWebhook, "https://") {
		return cfg, fmt.Errorf("PM_NOTIFY_WEBHOOK: want an http:// or https:// URL")
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(get("PM_LOG_LEVEL", "info"))); err != nil {
		return cfg, fmt.Errorf("PM_LOG_LEVEL: %w", err)
	}
	if _, err := mysqldrv.ParseDSN(cfg.MySQLDSN); err != nil {
		return cfg, fmt.Errorf("PM_MYSQL_DSN: %w", err)
	}
	switch {
	case cfg.Secret == "" && cfg.Production:
		return cfg, errors.New("PM_SECRET is required when PM_ENV=production")
	case cfg.Secret == "":
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		cfg.Secret, cfg.SecretGenerated = hex.EncodeToString(b), true
	case len(cfg.Secret) < 32:
		return cfg, errors.New("PM_SECRET must have at least 32 characters")
	}
	switch {
	case cfg.AuditKey == "" && cfg.Production:
		return cfg, errors.New("PM_AUDIT_KEY is required when PM_ENV=production (it seals the audit checkpoints; keep it out of the database)")
	case cfg.AuditKey == "":
		// A development key, the same on every start so that a dev database's checkpoints stay
		// verifiable; it protects nothing, and the start-up log says so.
		cfg.AuditKey, cfg.AuditKeyDev = DevelopmentAuditKey, true
	case len(cfg.AuditKey) < 32:
		return cfg, errors.New("PM_AUDIT_KEY must have at least 32 characters")
	case cfg.AuditKey == cfg.Secret:
		return cfg, errors.New("PM_AUDIT_KEY must differ from PM_SECRET")
	}
	return cfg, nil
}

// LogValue shows the configuration with secrets masked.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("http_addr", c.HTTPAddr), slog.String("mysql_dsn", mysql.RedactDSN(c.MySQLDSN)),
		slog.Int("mysql_max_conns", c.MySQLMaxConns), slog.String("redis_addr", c.RedisAddr), slog.Any("redis_sentinels", c.RedisSentinels), slog.String("redis_master", c.RedisMaster),
		slog.Any("redis_cluster", c.RedisCluster), slog.String("pprof_addr", c.PprofAddr), slog.String("redis_prefix", c.RedisPrefix),
		slog.String("secret", "****"), slog.Bool("secret_generated", c.SecretGenerated),
		slog.String("audit_key", "****"), slog.Bool("audit_key_development", c.AuditKeyDev), slog.Int("audit_old_keys", len(c.AuditOldKeys)),
		slog.Bool("production", c.Production), slog.Bool("cookie_secure", c.CookieSecure),
		slog.Any("trusted_proxies", c.TrustedProxies), slog.Duration("checkpoint_interval", c.CheckpointEach),
		slog.String("log_level", c.LogLevel.String()),
	)
}

// RedisWhere says which Redis the configuration names.
func (c Config) RedisWhere() redis.Where {
	return redis.Where{Addr: c.RedisAddr, Sentinels: c.RedisSentinels, Master: c.RedisMaster, Cluster: c.RedisCluster}
}
