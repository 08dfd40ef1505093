-- +goose Up
-- An item of a rule book: base, reward, penalty or honour points for households or for
-- representatives, with caps, whether evidence is required and who approves it.
CREATE TABLE rule_items (
    id                BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    rule_book_id      BIGINT       NOT NULL,
    code              VARCHAR(32)  NOT NULL,
    name              VARCHAR(128) NOT NULL,
    category          VARCHAR(16)  NOT NULL,
    points            BIGINT       NOT NULL,
    applies_to        VARCHAR(16)  NOT NULL,
    cap_month         BIGINT       NULL,
    cap_year          BIGINT       NULL,
    evidence_required BOOLEAN      NOT NULL DEFAULT FALSE,
    approval          VARCHAR(16)  NOT NULL,
    UNIQUE KEY uq_rule_items_code (rule_book_id, code),
    CONSTRAINT fk_rule_items_book FOREIGN KEY (rule_book_id) REFERENCES rule_books (id),
    CONSTRAINT ck_rule_items_points CHECK (points > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE rule_items;
