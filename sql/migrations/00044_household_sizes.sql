-- +goose Up
-- A household's size as registered, each on the public notice before it counts: base points for a
-- month follow the latest size whose notice ended before the month began. A new household, or a
-- change of size, therefore takes effect only from the month after its notice.
CREATE TABLE household_sizes (
    id           BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    household_id BIGINT      NOT NULL,
    size         INT         NOT NULL,
    previous     INT         NOT NULL DEFAULT 0,
    noticed_from DATETIME(6) NOT NULL,
    notice_until DATETIME(6) NOT NULL,
    KEY ix_household_sizes_household (household_id, notice_until),
    CONSTRAINT fk_household_sizes_household FOREIGN KEY (household_id) REFERENCES households (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE household_sizes;
