-- +goose Up
CREATE TABLE townships (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    county     VARCHAR(64)  NOT NULL,
    name       VARCHAR(64)  NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    UNIQUE KEY uq_townships_name (county, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE townships;
