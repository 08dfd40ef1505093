package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
)

// Sessions implements auth.Sessions: one key per session (by the token's hash) with a sliding TTL,
// and a set per person listing their sessions so that a password change can end the others.
type Sessions struct{ c *Client }

// NewSessions returns Sessions on c.
func NewSessions(c *Client) *Sessions { return &Sessions{c: c} }

func (s *Sessions) sessionKey(id string) string { return s.c.key("sess", id) }
func (s *Sessions) personKey(personID int64) string {
	return s.c.key("person-sess", strconv.FormatInt(personID, 10))
}

// Create implements auth.Sessions.
func (s *Sessions) Create(ctx context.Context, sess auth.Session, ttl time.Duration) error {
	body, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	// A pipeline, not MULTI: the session and the person's index live in different slots of a
	// cluster. Should the index fail after the session was set, the login fails and its token is
	// never handed out: the session is garbage that expires.
	pipe := s.c.rdb.Pipeline()
	pipe.Set(ctx, s.sessionKey(sess.ID), body, ttl)
	pipe.SAdd(ctx, s.personKey(sess.PersonID), sess.ID)
	pipe.Expire(ctx, s.personKey(sess.PersonID), 30*24*time.Hour)
	_, err = pipe.Exec(ctx)
	return unavailable(err)
}

// Get implements auth.Sessions.
func (s *Sessions) Get(ctx context.Context, id string, ttl time.Duration) (auth.Session, error) {
	body, err := s.c.rdb.GetEx(ctx, s.sessionKey(id), ttl).Bytes()
	if errors.Is(err, goredis.Nil) {
		return auth.Session{}, fault.ErrUnauthorized
	}
	if err != nil {
		return auth.Session{}, unavailable(err)
	}
	var sess auth.Session
	if err := json.Unmarshal(body, &sess); err != nil {
		return auth.Session{}, fmt.Errorf("decode session: %w", err)
	}
	sess.ID = id
	return sess, nil
}

// Delete implements auth.Sessions.
func (s *Sessions) Delete(ctx context.Context, id string) error {
	return unavailable(s.c.rdb.Del(ctx, s.sessionKey(id)).Err())
}

// DeleteOthers implements auth.Sessions.
func (s *Sessions) DeleteOthers(ctx context.Context, personID int64, keep string) error {
	ids, err := s.c.rdb.SMembers(ctx, s.personKey(personID)).Result()
	if err != nil {
		return unavailable(err)
	}
	pipe := s.c.rdb.Pipeline() // sessions in several slots of a cluster; a repeat finishes a partial run
	for _, id := range ids {
		if id != keep {
			pipe.Del(ctx, s.sessionKey(id))
			pipe.SRem(ctx, s.personKey(personID), id)
		}
	}
	_, err = pipe.Exec(ctx)
	return unavailable(err)
}
