package earning

import (
	"context"
	"fmt"

	"pointsmarket/internal/calendar"
	"pointsmarket/internal/notify"
	"pointsmarket/internal/write"
)

// WarnDaysAhead are how long before a village's expiry day its households are told how many of
// their points will be cleared: a month ahead, and again a week ahead.
var WarnDaysAhead = []int{30, 7}

// WarnExpiring tells every household and representative with spendable points in a village that
// clears them 30 or 7 days from today (China) how many will go, and when: once per account,
// year and warning, however often it runs. It returns how many accounts it warned (a repeat
// writes nothing new).
func (s *Service) WarnExpiring(ctx context.Context) (int, error) {
	today := calendar.Local(s.Now())
	n := 0
	for _, ahead := range WarnDaysAhead {
		day := today.AddDate(0, 0, ahead)
		ids, err := s.People.VillagesExpiringOn(ctx, day.Format("01-02"))
		if err != nil {
			return n, err
		}
		for _, id := range ids {
			accounts, err := s.Accounts.SpendingAccounts(ctx, id)
			if err != nil {
				return n, err
			}
			var notices []notify.Notice
			for _, a := range accounts {
				if a.Available() <= 0 {
					continue
				}
				notices = append(notices, notify.Notice{To: []notify.To{{AccountID: a.ID}}, Kind: notify.PointsExpiring, Title: "积分即将清零",
					Body: fmt.Sprintf("%d 分将于 %d月%d日 清零，请在此前兑换", a.Available(), day.Month(), day.Day()), Link: "/shop",
					Key: fmt.Sprintf("expiring:%d:%d:%d", a.ID, day.Year(), ahead)})
			}
			for len(notices) > 0 {
				batch := notices[:min(len(notices), 100)]
				notices = notices[len(batch):]
				if _, err := write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[int], error) {
					return write.Done[int]{Notices: batch}, nil
				}); err != nil {
					return n, err
				}
				n += len(batch)
			}
		}
	}
	return n, nil
}
