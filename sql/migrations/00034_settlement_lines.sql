-- +goose Up
-- The lines of a statement: each item of each redemption (kind redemption), and each item of a
-- reversal (kind reversal, negative). A line is settled once (the unique key), so a reversal made
-- after its period's statement was generated carries into the next statement as a negative line.
CREATE TABLE settlement_lines (
    settlement_id BIGINT      NOT NULL,
    redemption_id BIGINT      NOT NULL,
    kind          VARCHAR(16) NOT NULL,
    goods_id      BIGINT      NOT NULL,
    name          VARCHAR(64) NOT NULL,
    quantity      BIGINT      NOT NULL,
    points        BIGINT      NOT NULL,
    price_fen     BIGINT      NOT NULL,
    amount_fen    BIGINT      NOT NULL,
    happened_at   DATETIME(6) NOT NULL,
    UNIQUE KEY uq_settlement_lines (redemption_id, kind, goods_id),
    KEY ix_settlement_lines_settlement (settlement_id),
    CONSTRAINT fk_settlement_lines_settlement FOREIGN KEY (settlement_id) REFERENCES settlements (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE settlement_lines;
