#!/usr/bin/env bash
# Finds or starts the MariaDB/MySQL and Redis that `make run` and `make test` need, and prints
# the environment to use them (eval "$(scripts/services.sh)").
#
# 1. If PM_MYSQL_DSN / PM_REDIS_ADDR are set, they are used as they are.
# 2. Else, a server already answering on 127.0.0.1:3306 (root, no password) / 127.0.0.1:6379 is used.
# 3. Else, private servers are started under .data/ on ports 3307 / 6380, installing the Debian
#    packages mariadb-server / redis-server first if their binaries are missing.
# Messages go to stderr; stdout carries only `export` lines.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="$root/.data"
say() { echo "services: $*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

install_pkg() { # binary package
	command -v "$1" >/dev/null 2>&1 && return 0
	if ! command -v apt-get >/dev/null 2>&1; then
		say "$1 is missing and this is not Debian/Ubuntu: install $2, or set PM_MYSQL_DSN / PM_REDIS_ADDR"
		exit 1
	fi
	say "installing $2 (apt-get) ..."
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >&2
}

mysql_ok() { # port
	if command -v mariadb-admin >/dev/null 2>&1; then
		mariadb-admin --protocol=tcp -h127.0.0.1 -P"$1" -uroot --connect-timeout=2 ping >/dev/null 2>&1
	elif command -v mysqladmin >/dev/null 2>&1; then
		mysqladmin --protocol=tcp -h127.0.0.1 -P"$1" -uroot --connect-timeout=2 ping >/dev/null 2>&1
	else
		port_open "$1"
	fi
}

start_mariadb() {
	install_pkg mariadbd mariadb-server
	local dir="$data/mariadb"
	mkdir -p "$dir"
	if [ ! -d "$dir/mysql" ]; then
		say "initialising a private MariaDB in $dir"
		if ! mariadb-install-db --no-defaults --datadir="$dir" --auth-root-authentication-method=normal \
			--skip-test-db --user="$(id -un)" >"$data/mariadb-install.log" 2>&1; then
			rm -rf "$dir"
			say "MariaDB initialisation failed; see .data/mariadb-install.log"
			exit 1
		fi
	fi
	say "starting a private MariaDB on 127.0.0.1:3307 (log: .data/mariadb.log)"
	mariadbd --no-defaults --datadir="$dir" --port=3307 --bind-address=127.0.0.1 \
		--socket="$data/mariadb.sock" --pid-file="$data/mariadb.pid" --user="$(id -un)" \
		--innodb-buffer-pool-size=256M --max-connections=500 >"$data/mariadb.log" 2>&1 &
	for _ in $(seq 1 60); do mysql_ok 3307 && return 0; sleep 0.5; done
	say "MariaDB did not start; see .data/mariadb.log"
	exit 1
}

start_redis() {
	install_pkg redis-server redis-server
	mkdir -p "$data/redis"
	say "starting a private Redis on 127.0.0.1:6380"
	redis-server --port 6380 --bind 127.0.0.1 --daemonize yes --dir "$data/redis" --save "" --appendonly no \
		--pidfile "$data/redis.pid" --logfile "$data/redis.log" >&2
	for _ in $(seq 1 40); do port_open 6380 && return 0; sleep 0.25; done
	say "Redis did not start; see .data/redis.log"
	exit 1
}

mkdir -p "$data"
if [ -n "${PM_MYSQL_DSN:-}" ]; then
	base="${PM_TEST_MYSQL_DSN:-${PM_MYSQL_DSN%%/*}/}"
	say "using PM_MYSQL_DSN as given"
elif mysql_ok 3306; then
	base="root@tcp(127.0.0.1:3306)/"
	say "using the MariaDB/MySQL on 127.0.0.1:3306"
else
	mysql_ok 3307 || start_mariadb
	base="root@tcp(127.0.0.1:3307)/"
fi
if [ -n "${PM_REDIS_ADDR:-}" ]; then
	redis="$PM_REDIS_ADDR"
elif port_open 6379; then
	redis="127.0.0.1:6379"
	say "using the Redis on 127.0.0.1:6379"
else
	port_open 6380 || start_redis
	redis="127.0.0.1:6380"
fi
# redis-server is also what the outage test restarts; make sure it exists.
install_pkg redis-server redis-server

if [ -n "$base" ]; then
	echo "export PM_TEST_MYSQL_DSN='$base'"
	[ -n "${PM_MYSQL_DSN:-}" ] || echo "export PM_MYSQL_DSN='${base}pointsmarket?parseTime=true'"
fi
echo "export PM_REDIS_ADDR='$redis'"
echo "export PM_TEST_REDIS_ADDR='$redis'"
