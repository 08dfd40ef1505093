-- +goose Up
-- Who may redeem for a household (代办), with a monthly ceiling, and the vouchers taken so.
CREATE TABLE proxies (
    id              BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id      BIGINT      NOT NULL,
    household_id    BIGINT      NOT NULL,
    person_id       BIGINT      NOT NULL,
    monthly_ceiling BIGINT      NULL,
    named_by        BIGINT      NOT NULL,
    created_at      DATETIME(6) NOT NULL,
    revoked_at      DATETIME(6) NULL,
    KEY ix_proxies_household (household_id, revoked_at),
    KEY ix_proxies_person (person_id, revoked_at),
    CONSTRAINT fk_proxies_household FOREIGN KEY (household_id) REFERENCES households (id),
    CONSTRAINT fk_proxies_person FOREIGN KEY (person_id) REFERENCES people (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE vouchers ADD COLUMN proxy BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE vouchers DROP COLUMN proxy;
DROP TABLE proxies;
