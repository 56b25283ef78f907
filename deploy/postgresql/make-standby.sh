#!/usr/bin/env bash
# Turns this machine's (stopped, empty) PostgreSQL 15 cluster into a streaming standby of the
# primary: pg_basebackup copies the primary and, with -R, writes standby.signal and the
# primary_conninfo that keeps it streaming. Run as root on the standby host:
#   PRIMARY=10.0.0.21 SLOT=standby1 ./make-standby.sh
# The replicator's password comes from ~postgres/.pgpass (hostname:port:replication:replicator:PW,
# mode 0600), so it is never on a command line.
set -euo pipefail
PRIMARY="${PRIMARY:?set PRIMARY to the primary's address}"
SLOT="${SLOT:-standby1}"
VERSION="${VERSION:-15}"
DATA="/var/lib/postgresql/$VERSION/main"

systemctl stop "postgresql@$VERSION-main"
# The standby's data directory is replaced by the primary's copy.
rm -rf "$DATA"
install -d -o postgres -g postgres -m 0700 "$DATA"
sudo -u postgres pg_basebackup --host "$PRIMARY" --username replicator --pgdata "$DATA" \
  --wal-method=stream --slot "$SLOT" --write-recovery-conf --checkpoint=fast --progress
# -R wrote standby.signal and primary_conninfo (with the slot) into postgresql.auto.conf.
systemctl start "postgresql@$VERSION-main"
sudo -u postgres psql -Atc "SELECT pg_is_in_recovery()"   # prints t on a standby
