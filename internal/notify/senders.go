package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
)

// LogSender is the default Sender: it writes each message to the log (the inbox is the delivery).
type LogSender struct{ Log *slog.Logger }

// Send implements Sender.
func (l LogSender) Send(ctx context.Context, m Message) error {
	l.Log.InfoContext(ctx, "notification", "message", m.ID, "person", m.PersonID, "kind", m.Kind, "title", m.Title)
	return nil
}

// WebhookSender posts each message as JSON to a county's gateway (an SMS gateway, WeChat
// template messages), signed with HMAC-SHA256 of the body in X-Pointsmarket-Signature when a
// secret is set; any 2xx is accepted. The gateway resolves the person to an address from its own
// directory: the message carries no phone number. X-Message-Id repeats on a retry.
type WebhookSender struct {
	URL    string
	Secret string
	Client *http.Client
}

// Send implements Sender.
func (w WebhookSender) Send(ctx context.Context, m Message) error {
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Message-Id", fmt.Sprint(m.ID))
	if w.Secret != "" {
		mac := hmac.New(sha256.New, []byte(w.Secret))
		mac.Write(body)
		req.Header.Set("X-Pointsmarket-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	}
	client := w.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}
