-- +goose Up
-- Goods of a shop. stock moves only by conditional UPDATEs (and every move is a stock_movements row);
-- price_fen is the agreed reimbursement price. standard_ok says whether the price keeps to the
-- village's approved exchange standard; goods that do not may go on the shelf only with a
-- supervisor's exception (exception_by), which lapses when the price changes.
CREATE TABLE goods (
    id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    shop_id       BIGINT       NOT NULL,
    name          VARCHAR(64)  NOT NULL,
    category      VARCHAR(32)  NOT NULL,
    unit          VARCHAR(16)  NOT NULL,
    points        BIGINT       NOT NULL,
    price_fen     BIGINT       NOT NULL,
    monthly_limit INT          NULL,
    on_shelf      BOOLEAN      NOT NULL DEFAULT FALSE,
    standard_ok   BOOLEAN      NOT NULL DEFAULT FALSE,
    exception_by  BIGINT       NULL,
    photo_id      BIGINT       NULL,
    stock         BIGINT       NOT NULL DEFAULT 0,
    low_stock     INT          NOT NULL DEFAULT 10,
    created_at    DATETIME(6)  NOT NULL,
    updated_at    DATETIME(6)  NOT NULL,
    UNIQUE KEY uq_goods_name (shop_id, name),
    KEY ix_goods_category (shop_id, category),
    CONSTRAINT fk_goods_shop FOREIGN KEY (shop_id) REFERENCES shops (id),
    CONSTRAINT ck_goods_values CHECK (stock >= 0 AND points > 0 AND price_fen >= 0 AND low_stock >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE goods;
