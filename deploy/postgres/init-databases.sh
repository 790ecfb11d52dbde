#!/bin/bash
# Run once by the postgres image on an empty data directory (docker-entrypoint-initdb.d): one role and
# one database per service, since services never share a database. Development passwords only.
# Idempotent: run it again in the container to add the database of a service that joined later
# (docker-compose.yml says how).
#   ESTATEDESK_DATABASES   space-separated service names (default: owners tickets notify surveys)
set -euo pipefail

for db in ${ESTATEDESK_DATABASES:-owners tickets notify surveys}; do
  echo "making sure of role and database '$db'"
  psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres <<SQL
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', '$db', '$db')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$db')\gexec
SELECT format('CREATE DATABASE %I OWNER %I', '$db', '$db')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db')\gexec
SQL
done
