-- +goose Up
-- A published checkpoint: every chain's head at one moment, and one root hash over them. Once the
-- root is printed on the notice board, rewriting any earlier entry is evident.
CREATE TABLE audit_checkpoints (
    id         BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    created_at DATETIME(6) NOT NULL,
    root_hash  BINARY(32)  NOT NULL,
    heads      MEDIUMTEXT  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE audit_checkpoints;
