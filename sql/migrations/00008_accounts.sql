-- +goose Up
-- credits/debits/held/earned are stored totals for household and representative accounts, kept by
-- conditional UPDATEs. System accounts (derived_totals) are never updated: every redemption or grant
-- would otherwise serialise a whole village on one row; their balance is derived from transfers.
CREATE TABLE accounts (
    id             BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id     BIGINT      NOT NULL,
    kind           VARCHAR(32) NOT NULL,
    owner_id       BIGINT      NOT NULL DEFAULT 0,
    credits        BIGINT      NOT NULL DEFAULT 0,
    debits         BIGINT      NOT NULL DEFAULT 0,
    held           BIGINT      NOT NULL DEFAULT 0,
    earned         BIGINT      NOT NULL DEFAULT 0,
    derived_totals BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at     DATETIME(6) NOT NULL,
    UNIQUE KEY uq_accounts_owner (village_id, kind, owner_id),
    CONSTRAINT fk_accounts_village FOREIGN KEY (village_id) REFERENCES villages (id),
    CONSTRAINT ck_accounts_nonneg CHECK (credits >= 0 AND debits >= 0 AND held >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE accounts;
