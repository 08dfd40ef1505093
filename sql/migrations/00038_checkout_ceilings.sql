-- +goose Up
-- A village's ceilings on member-code checkouts (points per checkout, points per household and
-- day): the clerk proposes, a supervisor who did not propose approves; the latest approved row
-- is in force, the defaults before any.
CREATE TABLE checkout_ceilings (
    id            BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id    BIGINT      NOT NULL,
    per_checkout  BIGINT      NOT NULL,
    per_day       BIGINT      NOT NULL,
    status        VARCHAR(16) NOT NULL,
    note          VARCHAR(255) NOT NULL DEFAULT '',
    proposed_by   BIGINT      NOT NULL,
    proposed_at   DATETIME(6) NOT NULL,
    decided_by    BIGINT      NULL,
    decided_at    DATETIME(6) NULL,
    KEY ix_checkout_ceilings_village (village_id, status, id),
    CONSTRAINT fk_checkout_ceilings_village FOREIGN KEY (village_id) REFERENCES villages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE checkout_ceilings;
