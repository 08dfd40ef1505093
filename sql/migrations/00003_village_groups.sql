-- +goose Up
-- "groups" is reserved in MySQL 8, hence village_groups (村民小组).
CREATE TABLE village_groups (
    id         BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id BIGINT      NOT NULL,
    name       VARCHAR(64) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    UNIQUE KEY uq_village_groups_name (village_id, name),
    CONSTRAINT fk_village_groups_village FOREIGN KEY (village_id) REFERENCES villages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE village_groups;
