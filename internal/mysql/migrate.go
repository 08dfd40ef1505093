package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"pointsmarket/sql/migrations"
)

// Migrate creates the database if missing and applies pending migrations. Several instances may
// start at once: goose's MySQL table lock lets one migrate while the others wait.
func Migrate(ctx context.Context, dsn string, log *slog.Logger) error {
	if err := EnsureDatabase(ctx, dsn); err != nil {
		return err
	}
	cfg, err := PrepareDSN(dsn)
	if err != nil {
		return err
	}
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return fmt.Errorf("open MySQL: %w", err)
	}
	defer db.Close()
	locker, err := lock.NewMySQLTableLocker()
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectMySQL, db, migrations.FS,
		goose.WithLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("apply migrations: %w", classify(err))
	}
	for _, r := range results {
		log.InfoContext(ctx, "migration applied", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	return nil
}
