package mysql

import (
	"context"
	"net"
	"testing"
)

func TestFailoverDialsTheFirstAddressThatAnswers(t *testing.T) {
	live, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadAddr := dead.Addr().String()
	dead.Close() // nothing listens there now
	c, err := dialFailover(context.Background(), deadAddr+", "+live.Addr().String())
	if err != nil {
		t.Fatalf("dial past a dead node: %v", err)
	}
	if c.RemoteAddr().String() != live.Addr().String() {
		t.Errorf("connected to %s, want %s", c.RemoteAddr(), live.Addr())
	}
	c.Close()
	if _, err := dialFailover(context.Background(), deadAddr); err == nil {
		t.Error("dialled a dead node")
	}
}
