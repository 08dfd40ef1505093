-- +goose Up
-- Goods handed out for points at a counter, by voucher or by member code. The unique keys make a
-- second redemption of one voucher, or a second use of one member code, impossible whatever
-- happened before. A same-day reversal (退货) fills the reversal columns, once.
CREATE TABLE redemptions (
    id                   BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id           BIGINT       NOT NULL,
    shop_id              BIGINT       NOT NULL,
    account_id           BIGINT       NOT NULL,
    kind                 VARCHAR(16)  NOT NULL,
    voucher_id           BIGINT       NULL,
    member_code_id       BINARY(8)    NULL,
    points               BIGINT       NOT NULL,
    price_fen            BIGINT       NOT NULL,
    transfer_id          BIGINT       NOT NULL,
    redeemed_by          BIGINT       NOT NULL,
    created_at           DATETIME(6)  NOT NULL,
    reversed_at          DATETIME(6)  NULL,
    reversed_by          BIGINT       NULL,
    reversal_transfer_id BIGINT       NULL,
    reversal_reason      VARCHAR(255) NOT NULL DEFAULT '',
    UNIQUE KEY uq_redemptions_voucher (voucher_id),
    UNIQUE KEY uq_redemptions_member_code (member_code_id),
    UNIQUE KEY uq_redemptions_transfer (transfer_id),
    KEY ix_redemptions_shop (shop_id, created_at),
    KEY ix_redemptions_village (village_id, created_at),
    KEY ix_redemptions_account (account_id, created_at),
    CONSTRAINT fk_redemptions_shop FOREIGN KEY (shop_id) REFERENCES shops (id),
    CONSTRAINT fk_redemptions_transfer FOREIGN KEY (transfer_id) REFERENCES transfers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE redemptions;
