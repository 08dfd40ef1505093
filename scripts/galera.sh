#!/usr/bin/env bash
# A three-node MariaDB Galera cluster (multi-primary, synchronous) on this machine, for the cluster
# tests and for trying the service on one: private data folders and ports, started and stopped by
# this script, installing Debian's mariadb-server, galera-4 and rsync when they are missing.
#
#   scripts/galera.sh start [DIR]   start nodes 1..3 (the first bootstraps the cluster), print the DSN
#   scripts/galera.sh stop [DIR]    stop every node
#   scripts/galera.sh kill N [DIR]  SIGKILL node N (a crash)
#   scripts/galera.sh rejoin N [DIR] start node N again: it rejoins by IST/SST
#
# Node n listens for SQL on 127.0.0.1:(BASE+n) (BASE=3320 by default, PM_GALERA_BASE to change),
# for Galera on 4570+n, IST 4580+n, SST 4590+n (offset by the same amount as BASE). The rsync SST
# drops privileges, so the data folders belong to `mysql` and the nodes run as it (RECIPES.md).
# stdout carries only the DSN of the three nodes (the service's failover(...) form).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "galera: $*" >&2; }

cmd=${1:-start}
node=""
if [ "$cmd" = kill ] || [ "$cmd" = rejoin ]; then node=${2:?node number}; shift; fi
dir=$(realpath -m "${2:-.data/galera}")
base=${PM_GALERA_BASE:-3320}
off=$((base - 3320))
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"

need() { # binary package
	command -v "$1" >/dev/null 2>&1 && return 0
	command -v apt-get >/dev/null || { say "$1 is missing and this is not Debian: install $2"; exit 1; }
	say "installing $2 (apt-get) ..."
	$sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >&2
}

sql_port() { echo $((base + $1)); }
ping_node() { mariadb-admin --no-defaults --protocol=tcp -h127.0.0.1 -P"$(sql_port "$1")" -uroot --connect-timeout=2 ping >/dev/null 2>&1; }
synced() {
	[ "$(mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$(sql_port "$1")" -uroot -N -e \
		"SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | awk '{print $2}')" = Synced ]
}

start_node() { # n [bootstrap]
	local n=$1 d="$dir/node$1" tmp="$dir/tmp$1"
	mkdir -p "$d" "$tmp" # a tmpdir of its own: a starting server cleans temporary tables out of its tmpdir
	if [ ! -d "$d/mysql" ]; then
		mariadb-install-db --no-defaults --datadir="$d" --auth-root-authentication-method=normal --skip-test-db \
			--user=mysql >"$dir/install$n.log" 2>&1 || { say "node $n: install failed, see $dir/install$n.log"; exit 1; }
	fi
	$sudo chown -R mysql:mysql "$d" "$tmp"
	local gcomm="gcomm://127.0.0.1:$((4571 + off)),127.0.0.1:$((4572 + off)),127.0.0.1:$((4573 + off))" extra=()
	if [ "${2:-}" = bootstrap ]; then
		extra=(--wsrep-new-cluster)
		# A cluster stopped whole leaves its nodes unsafe to bootstrap from: this one is.
		[ -f "$d/grastate.dat" ] && $sudo sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$d/grastate.dat"
	fi
	/usr/sbin/mariadbd --no-defaults --datadir="$d" --user=mysql --port="$(sql_port "$n")" --bind-address=127.0.0.1 \
		--socket="$d/mysqld.sock" --pid-file="$d/mysqld.pid" --tmpdir="$tmp" --skip-log-bin --innodb-buffer-pool-size=64M --max-connections=300 \
		--wsrep-on=ON --wsrep-provider=/usr/lib/galera/libgalera_smm.so --binlog-format=ROW --innodb-autoinc-lock-mode=2 \
		--wsrep-cluster-name=pointsmarket --wsrep-cluster-address="$gcomm" --wsrep-node-address="127.0.0.1:$((4570 + off + n))" \
		--wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$((4570 + off + n));ist.recv_addr=127.0.0.1:$((4580 + off + n))" \
		--wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:$((4590 + off + n))" "${extra[@]}" \
		>"$dir/node$n.log" 2>&1 &
	for _ in $(seq 1 240); do
		if ping_node "$n" && synced "$n"; then say "node $n synced on 127.0.0.1:$(sql_port "$n")"; return 0; fi
		sleep 0.5
	done
	say "node $n did not join; see $dir/node$n.log"
	exit 1
}

stop_node() { # n [signal]
	local pid="$dir/node$1/mysqld.pid"
	[ -f "$pid" ] || return 0
	$sudo kill "-${2:-TERM}" "$(cat "$pid")" 2>/dev/null || true
	for _ in $(seq 1 60); do kill -0 "$(cat "$pid" 2>/dev/null || echo 0)" 2>/dev/null || break; sleep 0.5; done
	rm -f "$pid"
}

dsn() { echo "root@failover(127.0.0.1:$(sql_port 1),127.0.0.1:$(sql_port 2),127.0.0.1:$(sql_port 3))/pointsmarket?parseTime=true"; }

case "$cmd" in
start)
	need mariadbd mariadb-server; need rsync rsync
	if [ ! -f /usr/lib/galera/libgalera_smm.so ]; then
		say "installing galera-4 (apt-get) ..."
		$sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq galera-4 >&2
	fi
	id mysql >/dev/null 2>&1 || { say "the mysql user is missing (mariadb-server creates it)"; exit 1; }
	mkdir -p "$dir"; $sudo chown mysql:mysql "$dir" 2>/dev/null || true; chmod 755 "$dir"
	start_node 1 bootstrap; start_node 2; start_node 3
	dsn ;;
stop) for n in 3 2 1; do stop_node "$n"; done; say "stopped" ;;
kill) stop_node "$node" KILL; say "node $node killed" ;;
rejoin) start_node "$node" ;;
*) say "usage: $0 start|stop [DIR] | kill N [DIR] | rejoin N [DIR]"; exit 2 ;;
esac
