-- +goose Up
-- Each clean run of `pointsmarket check` records the newest checkpoint it verified the log up to,
-- sealed with PM_AUDIT_KEY: the next run reads only the entries after that checkpoint's heads
-- (an incremental check), unless it is asked for a full one.
CREATE TABLE audit_verifications (
    id            BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    checkpoint_id BIGINT      NOT NULL,
    mode          VARCHAR(16) NOT NULL,
    entries       BIGINT      NOT NULL,
    started_at    DATETIME(6) NOT NULL,
    finished_at   DATETIME(6) NOT NULL,
    seal          BINARY(32)  NULL,
    KEY ix_audit_verifications_checkpoint (checkpoint_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE audit_verifications;
