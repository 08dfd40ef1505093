// This file only keeps node_modules out of the parent module: directories that hold a go.mod are
// not part of `go build ./...` or `go test ./...` from the repository root, and some npm packages
// ship stray .go files.
module pointsmarket/storefront

go 1.26
