package httpapi_test

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"pointsmarket/internal/mysql"
)

// sysbenchWrites runs sysbench's oltp_write_only (four writes per transaction: an indexed and a
// plain UPDATE, a DELETE and an INSERT) with the given threads against the MariaDB of dsn, in a
// database of its own, and returns its transactions per second: the raw rate the counter is
// measured against. ok is false, with the reason logged, when sysbench is not installed.
func sysbenchWrites(b *testing.B, dsn string, threads, seconds int) (perSecond float64, ok bool) {
	b.Helper()
	if _, err := exec.LookPath("sysbench"); err != nil {
		b.Log("sysbench is not installed (Debian: apt-get install sysbench): no raw rate to compare with")
		return 0, false
	}
	cfg, err := mysql.PrepareDSN(dsn)
	if err != nil {
		b.Fatal(err)
	}
	host, port, _ := strings.Cut(cfg.Addr, ":")
	db := fmt.Sprintf("%s_sb%d", cfg.DBName, time.Now().UnixNano()%1_000_000) // a database per run: a benchmark runs it twice
	base := *cfg
	base.DBName = db
	sbDSN := base.FormatDSN()
	if err := mysql.EnsureDatabase(context.Background(), sbDSN); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = mysql.DropDatabase(context.Background(), sbDSN) })
	args := []string{"oltp_write_only", "--mysql-host=" + host, "--mysql-port=" + port, "--mysql-user=" + cfg.User,
		"--mysql-db=" + db, "--tables=4", "--table-size=10000", "--db-ps-mode=disable"}
	if cfg.Passwd != "" {
		args = append(args, "--mysql-password="+cfg.Passwd)
	}
	if out, err := exec.Command("sysbench", append(args, "prepare")...).CombinedOutput(); err != nil {
		b.Fatalf("sysbench prepare: %v\n%s", err, out)
	}
	out, err := exec.Command("sysbench", append(args, fmt.Sprintf("--threads=%d", threads), fmt.Sprintf("--time=%d", seconds), "run")...).CombinedOutput()
	if err != nil {
		b.Fatalf("sysbench run: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`transactions:\s+\d+\s+\(([\d.]+) per sec`).FindSubmatch(out)
	if m == nil {
		b.Fatalf("sysbench printed no rate:\n%s", out)
	}
	perSecond, _ = strconv.ParseFloat(string(m[1]), 64)
	return perSecond, true
}
