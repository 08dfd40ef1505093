-- +goose Up
-- Red and black lists (红黑榜), adopted with the rule book: how many households the red list
-- names, and which penalty items put a household on the black list.
ALTER TABLE rule_books ADD COLUMN red_list_size INT NOT NULL DEFAULT 10;
ALTER TABLE rule_items ADD COLUMN black_list BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE rule_items DROP COLUMN black_list;
ALTER TABLE rule_books DROP COLUMN red_list_size;
