-- +goose Up
-- One row per (scope, key): written in the same transaction as the operation it guards, so a
-- concurrent repeat waits on the unique key and then replays the committed result.
CREATE TABLE idempotency_keys (
    scope        VARCHAR(64)  NOT NULL,
    idem_key     VARCHAR(128) NOT NULL,
    request_hash BINARY(32)   NOT NULL,
    result_id    BIGINT       NOT NULL DEFAULT 0,
    created_at   DATETIME(6)  NOT NULL,
    PRIMARY KEY (scope, idem_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE idempotency_keys;
