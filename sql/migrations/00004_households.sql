-- +goose Up
CREATE TABLE households (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id BIGINT       NOT NULL,
    group_id   BIGINT       NULL,
    number     VARCHAR(32)  NOT NULL,
    head_name  VARCHAR(64)  NOT NULL,
    size       INT          NOT NULL,
    address    VARCHAR(255) NOT NULL DEFAULT '',
    created_at DATETIME(6)  NOT NULL,
    updated_at DATETIME(6)  NOT NULL,
    UNIQUE KEY uq_households_number (village_id, number),
    CONSTRAINT fk_households_village FOREIGN KEY (village_id) REFERENCES villages (id),
    CONSTRAINT fk_households_group FOREIGN KEY (group_id) REFERENCES village_groups (id),
    CONSTRAINT ck_households_size CHECK (size BETWEEN 1 AND 50)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE households;
