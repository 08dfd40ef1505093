-- +goose Up
CREATE TABLE people (
    id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id    BIGINT       NOT NULL,
    household_id  BIGINT       NULL,
    name          VARCHAR(64)  NOT NULL,
    -- phone is NULL for people without one (many elderly villagers); unique when present.
    phone         VARCHAR(20)  NULL,
    password_hash VARCHAR(100) NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    disabled      BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at    DATETIME(6)  NOT NULL,
    updated_at    DATETIME(6)  NOT NULL,
    UNIQUE KEY uq_people_phone (phone),
    KEY ix_people_household (household_id),
    CONSTRAINT fk_people_village FOREIGN KEY (village_id) REFERENCES villages (id),
    CONSTRAINT fk_people_household FOREIGN KEY (household_id) REFERENCES households (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE people;
