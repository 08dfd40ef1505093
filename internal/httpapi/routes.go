package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func (s *server) routes(api *gin.RouterGroup) {
	api.POST("/auth/login", handle(s.login))
	api.GET("/openapi.yaml", handle(s.openapi))

	a := api.Group("", s.authenticate)
	a.POST("/auth/logout", handle(s.logout))
	a.POST("/auth/password", handle(s.changePassword))
	a.GET("/me", handle(s.me))

	a.GET("/villages", handle(s.villages))
	a.GET("/villages/:id/groups", handle(s.groups))
	a.POST("/villages/:id/groups", handle(s.createGroup))
	a.GET("/villages/:id/households", handle(s.households))
	a.POST("/villages/:id/households", handle(withIDBody(http.StatusCreated, s.deps.Org.CreateHousehold)))
	a.GET("/villages/:id/people", handle(s.people))
	a.POST("/villages/:id/people", handle(withIDBody(http.StatusCreated, s.deps.Org.CreatePerson)))
	a.GET("/households/:id", handle(withID(http.StatusOK, s.deps.Org.Household)))
	a.PUT("/households/:id", handle(withIDBody(http.StatusOK, s.deps.Org.UpdateHousehold)))
	a.GET("/households/:id/people", handle(s.householdPeople))
	a.GET("/people/:id", handle(withID(http.StatusOK, s.deps.Org.Person)))
	a.PUT("/people/:id", handle(withIDBody(http.StatusOK, s.deps.Org.UpdatePerson)))
	a.GET("/people/:id/roles", handle(s.roles))
	a.POST("/people/:id/roles", handle(withIDBody(http.StatusCreated, s.deps.Org.Grant)))
	a.POST("/people/:id/roles/revoke", handle(s.revokeRole))

	a.GET("/accounts/:id", handle(s.account))
	a.GET("/accounts/:id/history", handle(s.history))

	a.GET("/shops", handle(s.shops))
	a.POST("/villages/:id/shops", handle(withIDBody(http.StatusCreated, s.deps.Catalog.CreateShop)))
	a.GET("/shops/:id", handle(s.shop))
	a.PUT("/shops/:id", handle(withIDBody(http.StatusOK, s.deps.Catalog.UpdateShop)))
	a.GET("/shops/:id/goods", handle(s.shopGoods))
	a.POST("/shops/:id/goods", handle(withIDBody(http.StatusCreated, asGoods(s.deps.Catalog.CreateGoods))))
	a.GET("/shops/:id/categories", handle(s.categories))
	a.GET("/shops/:id/low-stock", handle(s.lowStock))
	a.GET("/shops/:id/agreements", handle(s.agreements))
	a.POST("/shops/:id/agreements", handle(withIDBody(http.StatusCreated, s.deps.Catalog.CreateAgreement)))
	a.POST("/agreements/:id/status", handle(s.setAgreementStatus))
	a.GET("/villages/:id/standards", handle(s.standards))
	a.POST("/villages/:id/standards", handle(withIDBody(http.StatusCreated, s.deps.Catalog.ProposeStandard)))
	a.POST("/standards/:id/decision", handle(s.decideStandard))
	a.GET("/goods/:id", handle(withID(http.StatusOK, goodsView(s.deps.Catalog.Goods))))
	a.PUT("/goods/:id", handle(withIDBody(http.StatusOK, asGoods(s.deps.Catalog.UpdateGoods))))
	a.POST("/goods/:id/shelf", handle(s.setShelf))
	a.POST("/goods/:id/exception", handle(withID(http.StatusOK, goodsView(s.deps.Catalog.ApproveException))))
	a.PUT("/goods/:id/photo", handle(s.uploadPhoto))
	a.POST("/goods/:id/stock-in", handle(withIDBody(http.StatusOK, asGoods(s.deps.Catalog.StockIn))))
	a.POST("/goods/:id/adjustments", handle(withIDBody(http.StatusOK, asGoods(s.deps.Catalog.AdjustStock))))
	a.GET("/goods/:id/movements", handle(s.movements))
	api.GET("/photos/:id", s.photo)

	a.POST("/vouchers", handle(s.issueVoucher))
	a.GET("/vouchers", handle(s.myVouchers))
	a.GET("/vouchers/:id", handle(withID(http.StatusOK, s.deps.Vouchers.Voucher)))
	a.GET("/vouchers/:id/qr.png", s.voucherQR)
	a.POST("/vouchers/:id/cancel", handle(withID(http.StatusOK, s.deps.Vouchers.Cancel)))
	a.GET("/member-code", handle(s.memberCode))
	a.GET("/member-code/qr.png", s.memberCodeQR)
	a.POST("/counter/scan", handle(s.counterScan))
	a.POST("/counter/redeem", handle(s.counterRedeem))
	a.POST("/counter/member-code/scan", handle(s.counterScanMember))
	a.POST("/counter/checkout", handle(s.counterCheckout))
	a.GET("/counter/today", handle(s.counterToday))
	a.POST("/counter/redemptions/:id/reverse", handle(s.counterReverse))
	a.GET("/villages/:id/redemptions", handle(s.villageRedemptions))

	a.GET("/audit", handle(s.auditLog))
	a.GET("/audit/verify", handle(s.auditVerify))
	api.GET("/audit/checkpoint", handle(s.auditCheckpoint))
}
