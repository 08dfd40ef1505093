-- +goose Up
-- A voucher (兑换券): points held on an account for goods of one shop. status moves
-- issued -> redeemed | cancelled | expired only by compare-and-set. nonce is the secret part of the
-- QR code; short_code is for typing at the counter when a camera fails. fence is the highest lock
-- token that wrote the row: a writer holding an older (expired) lock is refused.
CREATE TABLE vouchers (
    id           BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id   BIGINT      NOT NULL,
    shop_id      BIGINT      NOT NULL,
    account_id   BIGINT      NOT NULL,
    holder_id    BIGINT      NOT NULL,
    points       BIGINT      NOT NULL,
    status       VARCHAR(16) NOT NULL,
    nonce        BINARY(10)  NOT NULL,
    short_code   CHAR(8)     NOT NULL,
    hold_id      BIGINT      NOT NULL,
    fence        BIGINT      NOT NULL DEFAULT 0,
    expires_at   DATETIME(6) NOT NULL,
    created_at   DATETIME(6) NOT NULL,
    resolved_at  DATETIME(6) NULL,
    UNIQUE KEY uq_vouchers_short_code (shop_id, short_code),
    UNIQUE KEY uq_vouchers_hold (hold_id),
    KEY ix_vouchers_account (account_id, id),
    KEY ix_vouchers_due (status, expires_at),
    CONSTRAINT fk_vouchers_shop FOREIGN KEY (shop_id) REFERENCES shops (id),
    CONSTRAINT fk_vouchers_account FOREIGN KEY (account_id) REFERENCES accounts (id),
    CONSTRAINT ck_vouchers_points CHECK (points > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE vouchers;
