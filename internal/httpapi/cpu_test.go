package httpapi_test

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"pointsmarket/internal/app"
)

// serverCPU is the CPU time the database server and Redis have used so far: the database's
// from /proc by its pid file (0 when it runs elsewhere), Redis's from INFO. Beside the
// process's own, it says what a redemption costs the whole machine, a figure that moves less
// from run to run than a rate on a shared machine.
func serverCPU(b *testing.B, a *app.App, rdb *goredis.Client) (db, redis time.Duration) {
	b.Helper()
	var pidFile string
	if err := a.DB.QueryRow(`SELECT @@pid_file`).Scan(&pidFile); err == nil {
		if pid, err := os.ReadFile(pidFile); err == nil {
			db = procCPU(strings.TrimSpace(string(pid)))
		}
	}
	info, err := rdb.Info(context.Background(), "cpu").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, field := range []string{"used_cpu_sys", "used_cpu_user"} {
		if m := regexp.MustCompile(field + `:([0-9.]+)`).FindStringSubmatch(info); m != nil {
			s, _ := strconv.ParseFloat(m[1], 64)
			redis += time.Duration(s * float64(time.Second))
		}
	}
	return db, redis
}

// procCPU is a process's user and system time from /proc/PID/stat (0 when it cannot be read).
func procCPU(pid string) time.Duration {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	// The fields after the command's closing parenthesis; utime and stime are the 14th and 15th.
	rest := string(stat[strings.LastIndexByte(string(stat), ')')+2:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * (time.Second / 100) // USER_HZ
}
