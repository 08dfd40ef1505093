package httpapi_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"pointsmarket/internal/app"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/redis"
)

// freePort returns a port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// redisProcess starts redis-server with args (a config file first, for a sentinel), killed when the
// test ends; it waits until the port answers.
func redisProcess(t *testing.T, port int, args ...string) *exec.Cmd {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatal("redis-server is needed on PATH for this test (make test installs it)")
	}
	cmd := exec.Command(bin, args...)
	// A replica's full sync writes dump.rdb into its working directory, whatever --save says.
	cmd.Dir = t.TempDir()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	waitFor(t, func() bool {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return cmd
}

// waitUpTo polls ok until it holds, or fails the test after d: a failover takes seconds.
func waitUpTo(t *testing.T, d time.Duration, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("condition not reached in %v", d)
}

// sentinelSet is a master, its replica and three Sentinels watching them as "pm", on private ports.
type sentinelSet struct {
	master    *exec.Cmd
	sentinels []string
	replica   string
}

func startSentinels(t *testing.T) *sentinelSet {
	t.Helper()
	plain := func(port int, more ...string) *exec.Cmd {
		return redisProcess(t, port, append([]string{"--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"}, more...)...)
	}
	mp, rp := freePort(t), freePort(t)
	s := &sentinelSet{master: plain(mp), replica: fmt.Sprintf("127.0.0.1:%d", rp)}
	plain(rp, "--replicaof", "127.0.0.1", fmt.Sprint(mp))
	dir := t.TempDir()
	for i := range 3 {
		port := freePort(t)
		conf := filepath.Join(dir, fmt.Sprintf("sentinel-%d.conf", i))
		body := fmt.Sprintf("port %d\nbind 127.0.0.1\nsentinel monitor pm 127.0.0.1 %d 2\nsentinel down-after-milliseconds pm 1000\n"+
			"sentinel failover-timeout pm 5000\n", port, mp)
		if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		redisProcess(t, port, conf, "--sentinel")
		s.sentinels = append(s.sentinels, fmt.Sprintf("127.0.0.1:%d", port))
	}
	// The replica is in sync and the Sentinels know it before the test leans on them.
	waitFor(t, func() bool {
		info, err := goredis.NewClient(&goredis.Options{Addr: s.replica}).Info(context.Background(), "replication").Result()
		return err == nil && strings.Contains(info, "master_link_status:up")
	})
	return s
}

// masterAddr asks a Sentinel who the master is now.
func (s *sentinelSet) masterAddr(t *testing.T) string {
	t.Helper()
	addr, err := goredis.NewSentinelClient(&goredis.Options{Addr: s.sentinels[0]}).GetMasterAddrByName(context.Background(), "pm").Result()
	if err != nil {
		return ""
	}
	return addr[0] + ":" + addr[1]
}

// Redis Sentinel: the master dies in the middle of a storm of redemptions. Answers during the
// switch are clear (503 when Redis cannot be reached, never a 500), no voucher is redeemed twice and
// no point is lost; the sessions written before are on the replica and survive; the lock tokens
// keep growing across the failover (the fence holds).
func TestRedisSentinelFailover(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	set := startSentinels(t)
	cfg := e.app.Config
	cfg.RedisAddr, cfg.RedisSentinels, cfg.RedisMaster = "", set.sentinels, "pm"
	a := dbtest.NewWith(t, cfg, app.Options{})
	on := serve(t, a)
	villager, keeper := on.login("13800000010"), on.login("13800000002")
	shop := on.shopOf("国茶村")
	salt := on.goodsNamed(shop, "食盐（500克）")
	before, _ := on.available(villager, "household")
	locks := redis.NewLocks(redis.Open(cfg.RedisWhere(), cfg.RedisPrefix))
	tokenBefore, release, err := locks.Acquire(t.Context(), "voucher:fence-probe", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	release()

	codes := make([]string, 30)
	for i := range codes {
		v := on.order(villager, shop, salt, 1)
		if v.status != http.StatusCreated {
			t.Fatalf("order: %d %s", v.status, v.raw)
		}
		codes[i] = v.body["code"].(string)
	}
	oldMaster := set.masterAddr(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for round := range 3 {
		for i, code := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(time.Duration(round*1500+i*40) * time.Millisecond) // spread over the kill and the failover
				r := on.postAs(keeper, "/api/v1/counter/redeem", map[string]string{"code": code})
				mu.Lock()
				statuses[r]++
				mu.Unlock()
			}()
		}
	}
	time.Sleep(800 * time.Millisecond)
	_ = set.master.Process.Kill() // mid-storm
	wg.Wait()
	waitUpTo(t, 30*time.Second, func() bool { m := set.masterAddr(t); return m != "" && m != oldMaster })
	for s, n := range statuses {
		if s >= 500 && s != http.StatusServiceUnavailable || s == 0 {
			t.Errorf("%d answers %d during the failover", n, s)
		}
	}
	// After the switch: the sessions are there, and every voucher not yet redeemed redeems now.
	waitUpTo(t, 30*time.Second, func() bool { return on.call("GET", "/api/v1/me", villager, nil).status == 200 })
	// A lock taken on the old master just before it died was replicated and outlives its holder
	// until its TTL: the counter is told "being redeemed elsewhere" and tries again.
	for _, code := range codes {
		waitUpTo(t, 30*time.Second, func() bool {
			r := on.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": code})
			if r.status != 200 && r.code() != "voucher_already_redeemed" && r.code() != "being_redeemed_elsewhere" {
				t.Errorf("after the failover: %d %s", r.status, r.raw)
			}
			return r.code() != "being_redeemed_elsewhere"
		})
	}
	if n := on.id(`SELECT COUNT(*) FROM redemptions WHERE kind = 'voucher'`); n != int64(len(codes)) {
		t.Errorf("%d redemptions of %d vouchers", n, len(codes))
	}
	after, held := on.available(villager, "household")
	if held != 0 || after != before-int64(len(codes))*on.id(`SELECT points FROM goods WHERE id = ?`, salt) {
		t.Errorf("available %d → %d, held %d: points lost or taken twice", before, after, held)
	}
	tokenAfter, release, err := locks.Acquire(t.Context(), "voucher:fence-probe", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	release()
	if tokenAfter <= tokenBefore {
		t.Errorf("lock token %d after the failover, %d before: the fence went back", tokenAfter, tokenBefore)
	}
	t.Logf("answers during the failover: %v", statuses)
	dbtest.MustVerify(t, a)
}

// Redis Cluster (three masters): every Lua script and multi-key command keeps its keys in one slot
// (hash tags), so logins, the counter's locks, the catalog cache and the alert counters work as on
// one server.
func TestRedisCluster(t *testing.T) {
	t.Parallel()
	e := newEnv(t, app.Options{})
	dir := t.TempDir()
	var nodes []string
	for i := range 3 {
		port := freePort(t)
		redisProcess(t, port, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--cluster-enabled", "yes",
			"--cluster-config-file", filepath.Join(dir, fmt.Sprintf("nodes-%d.conf", i)))
		nodes = append(nodes, fmt.Sprintf("127.0.0.1:%d", port))
	}
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Fatal("redis-cli is needed on PATH for this test (make test installs it)")
	}
	if out, err := exec.Command(cli, append([]string{"--cluster", "create"}, append(nodes, "--cluster-replicas", "0", "--cluster-yes")...)...).CombinedOutput(); err != nil {
		t.Fatalf("cluster create: %v %s", err, out)
	}
	cluster := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: nodes})
	waitUpTo(t, 30*time.Second, func() bool {
		info, err := cluster.ClusterInfo(context.Background()).Result()
		return err == nil && strings.Contains(info, "cluster_state:ok")
	})
	cfg := e.app.Config
	cfg.RedisAddr, cfg.RedisCluster = "", nodes
	a := dbtest.NewWith(t, cfg, app.Options{})
	on := serve(t, a)
	villager, keeper := on.login("13800000010"), on.login("13800000002")
	shop := on.shopOf("国茶村")
	if r := on.call("GET", fmt.Sprintf("/api/v1/shops/%d/goods", shop), villager, nil); r.status != 200 { // the catalog cache's script
		t.Fatalf("goods: %d %s", r.status, r.raw)
	}
	v := on.order(villager, shop, on.goodsNamed(shop, "毛巾"), 1)
	if r := on.call("POST", "/api/v1/counter/redeem", keeper, map[string]string{"code": v.body["code"].(string)}); r.status != 200 {
		t.Fatalf("redeem on a cluster: %d %s", r.status, r.raw) // the lock's script, the alert counters
	}
	for range 6 { // the login limiter's scripts
		on.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000014", "password": "wrong-wrong"})
	}
	if r := on.call("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13800000014", "password": "wrong-wrong"}); r.status != http.StatusTooManyRequests {
		t.Errorf("the login limiter on a cluster: %d %s", r.status, r.raw)
	}
	keys, err := cluster.DBSize(context.Background()).Result()
	if err != nil || keys == 0 {
		t.Errorf("nothing was written to the cluster: %d %v", keys, err)
	}
	dbtest.MustVerify(t, a)
}
