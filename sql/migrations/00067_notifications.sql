-- +goose Up
-- Every person's inbox (one line per notice and person, once per key) and the outbox its
-- delivery beyond the app works from (one row per notification: retried until accepted).
CREATE TABLE notifications (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    person_id  BIGINT       NOT NULL,
    kind       VARCHAR(32)  NOT NULL,
    title      VARCHAR(200) NOT NULL,
    body       VARCHAR(1000) NOT NULL,
    link       VARCHAR(200) NOT NULL,
    dedupe_key VARCHAR(128) NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    read_at    DATETIME(6)  NULL,
    UNIQUE KEY uq_notifications_key (dedupe_key, person_id),
    KEY ix_notifications_inbox (person_id, id),
    KEY ix_notifications_unread (person_id, read_at),
    CONSTRAINT fk_notifications_person FOREIGN KEY (person_id) REFERENCES people (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE outbox (
    id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    notification_id BIGINT       NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    attempts        INT          NOT NULL DEFAULT 0,
    next_at         DATETIME(6)  NOT NULL,
    sent_at         DATETIME(6)  NULL,
    last_error      VARCHAR(500) NOT NULL DEFAULT '',
    UNIQUE KEY uq_outbox_notification (notification_id),
    KEY ix_outbox_due (status, next_at),
    CONSTRAINT fk_outbox_notification FOREIGN KEY (notification_id) REFERENCES notifications (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE outbox;
DROP TABLE notifications;
