# The two commands of the README: `make run` and `make test`. Both find or start MariaDB and Redis
# first (scripts/services.sh), installing them on Debian/Ubuntu when missing.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
GO ?= go
STATICCHECK_VERSION := v0.8.2
SERVICES := eval "$$(scripts/services.sh)"

.PHONY: run test test-cluster lint api-lint bench bench-county build clean storefront

## run: build the storefront, start the service with the demo data on :8080 (PM_HTTP_ADDR to change)
run: storefront
	@$(SERVICES) && $(GO) run ./cmd/pointsmarket serve --demo

## test: vet, gofmt, staticcheck; every Go test with the race detector against real MariaDB and Redis
## (four tests of a package at once: most of their time is waiting on the database, fsyncs and outages)
## (the storefront's component tests beside them); end-to-end tests in Debian's Chromium (installed if missing)
test:
	@$(MAKE) --no-print-directory -j2 lint api-lint # the Go checks beside the storefront's build and its checks
	@cd storefront && npx vitest run >../.vitest.log 2>&1 & vitest=$$!; \
		$(SERVICES) && $(GO) test -race -count=1 -parallel 4 -timeout 12m ./...; status=$$?; \
		wait $$vitest; v=$$?; cat .vitest.log; rm -f .vitest.log; [ $$status -eq 0 ] && [ $$v -eq 0 ]
	@$(SERVICES) && scripts/e2e.sh

## test-cluster: the tests of a cluster and its faults: MariaDB Galera (three nodes, scripts/galera.sh;
## only here: two minutes that would put `make test` past CI's fifteen), and Redis Sentinel failover,
## Redis Cluster, a MariaDB crashed and hung (in `make test` too)
test-cluster:
	@$(SERVICES) && PM_TEST_GALERA=1 $(GO) test -race -count=1 -timeout 12m -v -run 'TestGaleraCluster|TestRedisSentinelFailover|TestRedisCluster|TestMariaDBRestartAndOutage' ./internal/httpapi/ 2>&1 \
		| grep -E '^(=== RUN|--- |PASS|FAIL|ok|galera:)|_test.go:'; test "$${PIPESTATUS[0]}" -eq 0

## storefront: install the front end's npm packages (the locked versions) and build it into internal/web.
## `npm install`, not `npm ci`: with this machine's npm setting omit-lockfile-registry-resolved, npm
## writes lock files without rollup's optional platform packages, which its own `npm ci` then refuses.
storefront:
	@command -v npm >/dev/null || { echo "npm is needed to build the storefront (Debian: apt-get install nodejs npm)"; exit 1; }
	@cd storefront && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm install --prefer-offline --no-audit --no-fund; } && npm run -s build

## api-lint: the API description against Redocly CLI's recommended rules (redocly.yaml), 0 problems;
## then the storefront type-checked against the types generated from it (vue-tsc)
api-lint: storefront
	@cd storefront && npx redocly lint --config ../redocly.yaml --format=summary 2>&1 | grep -v '[║╔╚]'; test "$${PIPESTATUS[0]}" -eq 0
	@cd storefront && npx vue-tsc --noEmit && echo "storefront: types agree with openapi.yaml"

lint:
	@scripts/check-tracked-sizes.sh
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1; }
	@$(GO) vet ./...
	@unformatted=$$(gofmt -l cmd internal sql); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	@GOFLAGS= $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	@"$$($(GO) env GOPATH)/bin/staticcheck" ./...

## bench: the ledger benchmarks (service path beside the raw-SQL baseline)
bench:
	@$(SERVICES) && $(GO) test -run '^$$' -bench Ledger -benchtime 3000x ./internal/mysql/

## bench-county: generate a county once into its own database (VILLAGES=30 by default; 300 is a
## full county) and measure every read path against it, with EXPLAIN of every query
bench-county:
	@$(SERVICES) && scripts/bench-county.sh

## build: a static binary in bin/, with the storefront embedded
build: storefront
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w" -o bin/pointsmarket ./cmd/pointsmarket

## clean: stop private servers started by scripts/services.sh and remove their data
clean:
	-@[ -f .data/mariadb.pid ] && kill $$(cat .data/mariadb.pid)
	-@[ -f .data/redis.pid ] && kill $$(cat .data/redis.pid)
	rm -rf .data bin
