#!/bin/bash
# Run once by the postgres image on an empty data directory (docker-entrypoint-initdb.d): one role and
# one database per service, since services never share a database. Development passwords only.
#   ESTATEDESK_DATABASES   space-separated service names (default: owners)
set -euo pipefail

for db in ${ESTATEDESK_DATABASES:-owners}; do
  echo "creating role and database '$db'"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE "$db" LOGIN PASSWORD '$db';
CREATE DATABASE "$db" OWNER "$db";
SQL
done
