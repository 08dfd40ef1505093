-- +goose Up
-- Counties above townships: the level that assesses and ranks villages. Each township's county,
-- until now only a name, becomes a row of its own.
CREATE TABLE counties (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name       VARCHAR(64)  NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    UNIQUE KEY uq_counties_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO counties (name, created_at) SELECT county, MIN(created_at) FROM townships GROUP BY county;
ALTER TABLE townships ADD COLUMN county_id BIGINT NULL AFTER id;
UPDATE townships t JOIN counties c ON c.name = t.county SET t.county_id = c.id;
ALTER TABLE townships MODIFY county_id BIGINT NOT NULL,
    ADD KEY ix_townships_county (county_id),
    ADD CONSTRAINT fk_townships_county FOREIGN KEY (county_id) REFERENCES counties (id);

-- +goose Down
ALTER TABLE townships DROP FOREIGN KEY fk_townships_county, DROP COLUMN county_id;
DROP TABLE counties;
