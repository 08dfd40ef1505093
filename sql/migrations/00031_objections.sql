-- +goose Up
-- An objection (异议) to an entry under public notice, answered by the deadline.
CREATE TABLE objections (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    entry_id    BIGINT       NOT NULL,
    village_id  BIGINT       NOT NULL,
    objector_id BIGINT       NOT NULL,
    reason      VARCHAR(255) NOT NULL,
    status      VARCHAR(16)  NOT NULL,
    answer      VARCHAR(255) NOT NULL DEFAULT '',
    answered_by BIGINT       NULL,
    answered_at DATETIME(6)  NULL,
    due_at      DATETIME(6)  NOT NULL,
    satisfied   BOOLEAN      NULL,
    created_at  DATETIME(6)  NOT NULL,
    KEY ix_objections_entry (entry_id, status),
    KEY ix_objections_village (village_id, created_at),
    CONSTRAINT fk_objections_entry FOREIGN KEY (entry_id) REFERENCES point_entries (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE objections;
