-- +goose Up
-- Household cards (户卡): a printed card per household with a long-lived QR and a typed number, and
-- a 6-digit PIN, for villagers without a smartphone. One card of a household is active at a time; a
-- card reported lost is blocked for good and a new one issued. Wrong PINs are counted per card and
-- lock it for a growing time.
CREATE TABLE household_cards (
    id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id    BIGINT       NOT NULL,
    household_id  BIGINT       NOT NULL,
    number        CHAR(12)     NOT NULL,
    nonce         BINARY(10)   NOT NULL,
    pin_hash      VARCHAR(100) NOT NULL DEFAULT '',
    pin_set_at    DATETIME(6)  NULL,
    pin_set_by    BIGINT       NULL,
    failures      INT          NOT NULL DEFAULT 0,
    locked_until  DATETIME(6)  NULL,
    status        VARCHAR(16)  NOT NULL,
    issued_by     BIGINT       NOT NULL,
    issued_at     DATETIME(6)  NOT NULL,
    blocked_by    BIGINT       NULL,
    blocked_at    DATETIME(6)  NULL,
    block_reason  VARCHAR(255) NOT NULL DEFAULT '',
    UNIQUE KEY uq_household_cards_number (number),
    KEY ix_household_cards_household (household_id, status),
    CONSTRAINT fk_household_cards_household FOREIGN KEY (household_id) REFERENCES households (id),
    CONSTRAINT ck_household_cards_status CHECK (status IN ('active', 'blocked'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE household_cards;
