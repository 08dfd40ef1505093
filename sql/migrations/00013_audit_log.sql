-- +goose Up
-- before_data/after_data are TEXT, not JSON: MySQL 8 rewrites JSON documents, which would change
-- the bytes the hash covers.
CREATE TABLE audit_log (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    chain_id    VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    seq         BIGINT       NOT NULL,
    prev_hash   BINARY(32)   NOT NULL,
    hash        BINARY(32)   NOT NULL,
    occurred_at DATETIME(6)  NOT NULL,
    actor_id    BIGINT       NOT NULL,
    actor_role  VARCHAR(64)  NOT NULL,
    township_id BIGINT       NOT NULL,
    village_id  BIGINT       NOT NULL,
    action      VARCHAR(64)  NOT NULL,
    object_type VARCHAR(32)  NOT NULL,
    object_id   BIGINT       NOT NULL,
    before_data MEDIUMTEXT   NOT NULL,
    after_data  MEDIUMTEXT   NOT NULL,
    ip          VARCHAR(45)  NOT NULL,
    request_id  VARCHAR(64)  NOT NULL,
    UNIQUE KEY uq_audit_log_chain (chain_id, seq),
    KEY ix_audit_log_village (village_id, id),
    KEY ix_audit_log_township (township_id, id),
    KEY ix_audit_log_object (object_type, object_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE audit_log;
