package httpapi

import "github.com/gin-gonic/gin"

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
	a.POST("/villages/:id/households", handle(s.createHousehold))
	a.GET("/villages/:id/people", handle(s.people))
	a.POST("/villages/:id/people", handle(s.createPerson))
	a.GET("/households/:id", handle(s.household))
	a.PUT("/households/:id", handle(s.updateHousehold))
	a.GET("/households/:id/people", handle(s.householdPeople))
	a.GET("/people/:id", handle(s.person))
	a.PUT("/people/:id", handle(s.updatePerson))
	a.GET("/people/:id/roles", handle(s.roles))
	a.POST("/people/:id/roles", handle(s.grantRole))
	a.POST("/people/:id/roles/revoke", handle(s.revokeRole))

	a.GET("/accounts/:id", handle(s.account))
	a.GET("/accounts/:id/history", handle(s.history))

	a.GET("/audit", handle(s.auditLog))
	a.GET("/audit/verify", handle(s.auditVerify))
	api.GET("/audit/checkpoint", handle(s.auditCheckpoint))
}
