-- +goose Up
CREATE TABLE shops (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id BIGINT       NOT NULL,
    name       VARCHAR(64)  NOT NULL,
    address    VARCHAR(255) NOT NULL DEFAULT '',
    owner_name VARCHAR(64)  NOT NULL DEFAULT '',
    phone      VARCHAR(20)  NOT NULL DEFAULT '',
    created_at DATETIME(6)  NOT NULL,
    updated_at DATETIME(6)  NOT NULL,
    UNIQUE KEY uq_shops_name (village_id, name),
    CONSTRAINT fk_shops_village FOREIGN KEY (village_id) REFERENCES villages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE shops;
