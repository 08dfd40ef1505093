package httpapi

import (
	"github.com/gin-gonic/gin"
	"golang.org/x/text/language"

	"pointsmarket/internal/fault"
)

// languages are those the catalogue of messages has, Chinese first: it is the default for a
// request that names neither.
var languages = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// langOf is the language a request's Accept-Language asks for: English when it prefers any
// English, Chinese (zh-CN) otherwise.
func langOf(c *gin.Context) fault.Lang {
	tags, _, err := language.ParseAcceptLanguage(c.GetHeader("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return fault.Chinese
	}
	if _, i, _ := languages.Match(tags...); i == 1 {
		return fault.English
	}
	return fault.Chinese
}
