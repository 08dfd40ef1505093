-- +goose Up
-- Risk alerts (风险预警). dedupe_key makes each alert fire once (e.g. one volume alert per shop and
-- day); an alert is acknowledged and then resolved with a note.
CREATE TABLE alerts (
    id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id      BIGINT       NOT NULL,
    rule            VARCHAR(32)  NOT NULL,
    dedupe_key      VARCHAR(128) NOT NULL,
    subject_type    VARCHAR(32)  NOT NULL,
    subject_id      BIGINT       NOT NULL,
    message         VARCHAR(255) NOT NULL,
    details         TEXT         NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    created_at      DATETIME(6)  NOT NULL,
    acknowledged_by BIGINT       NULL,
    acknowledged_at DATETIME(6)  NULL,
    resolved_by     BIGINT       NULL,
    resolved_at     DATETIME(6)  NULL,
    resolution      VARCHAR(255) NOT NULL DEFAULT '',
    UNIQUE KEY uq_alerts_dedupe (village_id, dedupe_key),
    KEY ix_alerts_village (village_id, status, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE alerts;
