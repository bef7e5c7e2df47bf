#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: `pgctl.sh start DIR` creates a
# cluster in DIR (initdb), listening on a unix socket in DIR only (no TCP),
# with password authentication (user postgres, password kv) so that a wrong
# password is refused as on a real server; `pgctl.sh stop DIR` stops it and
# removes DIR. Run as root (as CI does), initdb and the server run as the
# postgres user. Prints the URL the tests connect with on start.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
[[ -n $cmd && -n $dir ]] || { echo "usage: pgctl.sh start|stop DIR" >&2; exit 2; }
bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
[[ -x $bin/initdb ]] || { echo "pgctl.sh: no PostgreSQL server found (install the postgresql package)" >&2; exit 77; }

as_pg() {
	if [[ $(id -u) -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

case $cmd in
start)
	if [[ -f $dir/data/postmaster.pid ]]; then
		as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	chmod 755 "$dir"
	printf 'kv\n' >"$dir/pwfile"
	[[ $(id -u) -eq 0 ]] && chown -R postgres:postgres "$dir"
	as_pg "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
		--auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
		>"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
		-o "-c listen_addresses='' -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
	echo "postgresql://postgres:kv@/postgres?host=$dir"
	;;
stop)
	if [[ -f $dir/data/postmaster.pid ]]; then
		as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: pgctl.sh start|stop DIR" >&2
	exit 2
	;;
esac
