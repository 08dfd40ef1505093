package redis

import (
	"context"
	"errors"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// MemberShortCodes implements voucher.MemberShortCodes: a member code's 8 digits, to be read out
// or typed at a counter, stand for its signed code for as long as the code lives.
type MemberShortCodes struct{ c *Client }

// NewMemberShortCodes returns MemberShortCodes on c.
func NewMemberShortCodes(c *Client) *MemberShortCodes { return &MemberShortCodes{c: c} }

// Put implements voucher.MemberShortCodes: false when the digits stand for another code already.
func (m *MemberShortCodes) Put(ctx context.Context, digits, code string, ttl time.Duration) (bool, error) {
	ok, err := m.c.rdb.SetNX(ctx, m.c.key("membercode", digits), code, ttl).Result()
	return ok, unavailable(err)
}

// Get implements voucher.MemberShortCodes: "" when the digits stand for nothing (now).
func (m *MemberShortCodes) Get(ctx context.Context, digits string) (string, error) {
	code, err := m.c.rdb.Get(ctx, m.c.key("membercode", digits)).Result()
	if errors.Is(err, goredis.Nil) {
		return "", nil
	}
	return code, unavailable(err)
}
