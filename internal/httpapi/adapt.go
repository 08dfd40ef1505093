package httpapi

import (
	"context"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/auth"
)

// Most handlers are the same four steps: parse the path id, bind the JSON body, call a service
// with the caller, encode the answer. These adapters are those steps, once.

// withID answers status with fn's result for the path's id.
func withID[Out any](status int, fn func(context.Context, auth.Principal, int64) (Out, error)) handlerFunc {
	return func(c *gin.Context) (int, any, error) {
		id, err := pathID(c, "id")
		if err != nil {
			return 0, nil, err
		}
		out, err := fn(c.Request.Context(), principal(c), id)
		if err != nil {
			return 0, nil, err
		}
		return status, out, nil
	}
}

// withIDBody answers status with fn's result for the path's id and the JSON body.
func withIDBody[In, Out any](status int, fn func(context.Context, auth.Principal, int64, In) (Out, error)) handlerFunc {
	return func(c *gin.Context) (int, any, error) {
		id, err := pathID(c, "id")
		if err != nil {
			return 0, nil, err
		}
		var in In
		if err := bindJSON(c, &in); err != nil {
			return 0, nil, err
		}
		out, err := fn(c.Request.Context(), principal(c), id, in)
		if err != nil {
			return 0, nil, err
		}
		return status, out, nil
	}
}

// withBody answers status with fn's result for the JSON body (a call on the caller's own things).
func withBody[In, Out any](status int, fn func(context.Context, auth.Principal, In) (Out, error)) handlerFunc {
	return func(c *gin.Context) (int, any, error) {
		var in In
		if err := bindJSON(c, &in); err != nil {
			return 0, nil, err
		}
		out, err := fn(c.Request.Context(), principal(c), in)
		if err != nil {
			return 0, nil, err
		}
		return status, out, nil
	}
}
