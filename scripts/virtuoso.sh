#!/usr/bin/env bash
# Start (or stop) a throwaway Virtuoso Open Source server on 127.0.0.1 for the Virtuoso tests.
#   scripts/virtuoso.sh start DIR   -> installs Debian's virtuoso-opensource-7 if missing, starts a server
#                                      with its database in DIR, waits for it, prints the base URL
#   scripts/virtuoso.sh stop DIR
# Ports: HTTP 127.0.0.1:${VIRTUOSO_HTTP_PORT:-18890}, SQL 127.0.0.1:${VIRTUOSO_SQL_PORT:-11111}. Loopback only.
set -euo pipefail
action=${1:?start|stop}; dir=${2:?folder for the database}
http_port=${VIRTUOSO_HTTP_PORT:-18890}; sql_port=${VIRTUOSO_SQL_PORT:-11111}
mkdir -p "$dir"; dir=$(cd "$dir" && pwd)

if [ "$action" = stop ]; then
  if [ -f "$dir/virtuoso.pid" ]; then kill "$(cat "$dir/virtuoso.pid")" 2>/dev/null || true; rm -f "$dir/virtuoso.pid"; fi
  exit 0
fi

if ! command -v virtuoso-t >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then echo "virtuoso-opensource-7 is not installed and this is not root" >&2; exit 2; fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource-7 >/dev/null
fi
cat > "$dir/virtuoso.ini" <<INI
[Database]
DatabaseFile = $dir/virtuoso.db
ErrorLogFile = $dir/virtuoso.log
LockFile = $dir/virtuoso.lck
TransactionFile = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
MaxCheckpointRemap = 2000
[TempDatabase]
DatabaseFile = $dir/virtuoso-temp.db
TransactionFile = $dir/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:$sql_port
DirsAllowed = ., $dir
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
[HTTPServer]
ServerPort = 127.0.0.1:$http_port
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
DefaultGraph = urn:sgkg:none
INI
cd "$dir"
virtuoso-t +configfile "$dir/virtuoso.ini" +foreground > "$dir/stdout.log" 2>&1 &
echo $! > "$dir/virtuoso.pid"
for _ in $(seq 1 120); do
  if curl -s -o /dev/null "http://127.0.0.1:$http_port/sparql"; then break; fi
  sleep 0.5
done
curl -s -o /dev/null "http://127.0.0.1:$http_port/sparql" || { echo "Virtuoso did not start: see $dir/virtuoso.log" >&2; exit 1; }
# the Graph Store Protocol endpoint needs a user allowed to update: dba (password dba, local only)
isql-vt "127.0.0.1:$sql_port" dba dba exec="GRANT SPARQL_UPDATE TO \"SPARQL\";" >/dev/null 2>&1 || true
echo "http://127.0.0.1:$http_port"
