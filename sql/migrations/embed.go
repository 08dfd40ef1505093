// Package migrations holds the versioned schema, embedded into the binary.
package migrations

import "embed"

// FS holds the numbered goose migrations; each file makes one DDL change, because MySQL commits
// DDL implicitly and cannot roll a half-applied file back.
//
//go:embed *.sql
var FS embed.FS
