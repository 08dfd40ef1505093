-- +goose Up
-- The child rows written before 00077–00094 take their parent's village (in that order: goods before
-- stock movements and photos, notifications before the outbox).
UPDATE goods x JOIN shops y ON y.id = x.shop_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE redemption_items x JOIN redemptions y ON y.id = x.redemption_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE voucher_items x JOIN vouchers y ON y.id = x.voucher_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE settlement_lines x JOIN settlements y ON y.id = x.settlement_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE stock_movements x JOIN goods y ON y.id = x.goods_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE goods_photos x JOIN goods y ON y.id = x.goods_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE rule_items x JOIN rule_books y ON y.id = x.rule_book_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE entry_votes x JOIN point_entries y ON y.id = x.entry_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE meeting_votes x JOIN review_meetings y ON y.id = x.meeting_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE household_sizes x JOIN households y ON y.id = x.household_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE dividend_shares x JOIN dividends y ON y.id = x.dividend_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE dividend_objections x JOIN dividends y ON y.id = x.dividend_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE request_handlings x JOIN requests y ON y.id = x.request_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE courtyard_attendees x JOIN courtyard_meetings y ON y.id = x.meeting_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE courtyard_problems x JOIN courtyard_meetings y ON y.id = x.meeting_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE project_progress x JOIN projects y ON y.id = x.project_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE notifications x JOIN people y ON y.id = x.person_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;
UPDATE outbox x JOIN notifications y ON y.id = x.notification_id SET x.village_id = y.village_id WHERE x.village_id <> y.village_id;

-- +goose Down
SELECT 1;
