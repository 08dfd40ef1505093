-- +goose Up
-- A village's agreement with a partner shop (协议定点): the village pays the shop back for what it
-- hands out during [valid_from, valid_to] while the agreement is active. One shop may serve several
-- villages, each with its own agreement.
CREATE TABLE shop_agreements (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    shop_id    BIGINT       NOT NULL,
    village_id BIGINT       NOT NULL,
    valid_from DATE         NOT NULL,
    valid_to   DATE         NOT NULL,
    status     VARCHAR(16)  NOT NULL,
    note       VARCHAR(255) NOT NULL DEFAULT '',
    created_by BIGINT       NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    updated_at DATETIME(6)  NOT NULL,
    KEY ix_shop_agreements_shop (shop_id, village_id),
    KEY ix_shop_agreements_village (village_id, status),
    CONSTRAINT fk_shop_agreements_shop FOREIGN KEY (shop_id) REFERENCES shops (id),
    CONSTRAINT fk_shop_agreements_village FOREIGN KEY (village_id) REFERENCES villages (id),
    CONSTRAINT ck_shop_agreements_dates CHECK (valid_from <= valid_to)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE shop_agreements;
