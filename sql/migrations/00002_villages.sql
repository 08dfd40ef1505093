-- +goose Up
CREATE TABLE villages (
    id          BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    township_id BIGINT      NOT NULL,
    name        VARCHAR(64) NOT NULL,
    -- allow_negative_penalty: village policy whether an approved penalty may take a balance below zero.
    allow_negative_penalty BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  DATETIME(6) NOT NULL,
    UNIQUE KEY uq_villages_name (township_id, name),
    CONSTRAINT fk_villages_township FOREIGN KEY (township_id) REFERENCES townships (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE villages;
