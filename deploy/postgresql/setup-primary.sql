-- Run once on the primary as the postgres superuser:
--   sudo -u postgres psql -v callgate_password=... -v replicator_password=... -f setup-primary.sql
-- (or \password callgate afterwards, to keep the passwords out of the shell history)
-- callgate creates and migrates its own tables on first start; it needs to own the database,
-- nothing more (no superuser, no CREATEDB).
CREATE ROLE callgate LOGIN PASSWORD :'callgate_password';
CREATE DATABASE callgate OWNER callgate ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE callgate FROM PUBLIC;
-- The standby replicates as this role, through a slot so the primary keeps the WAL it still needs.
CREATE ROLE replicator REPLICATION LOGIN PASSWORD :'replicator_password';
SELECT pg_create_physical_replication_slot('standby1');
