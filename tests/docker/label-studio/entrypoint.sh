#!/bin/sh
# The real Label Studio image's entrypoint: `label-studio start` on 0.0.0.0:8080 (it migrates what is missing itself).
# First boot: LABEL_STUDIO_USERNAME / LABEL_STUDIO_PASSWORD / LABEL_STUDIO_USER_TOKEN, read by `label-studio start`
# only while the database has no user. PostgreSQL instead of SQLite: DJANGO_DB=default and POSTGRE_NAME/USER/
# PASSWORD/HOST/PORT. Any other command is run as it is (`docker run IMAGE sh`).
set -e
if [ $# -gt 0 ] && [ "$1" != label-studio ]; then exec "$@"; fi
[ $# -gt 0 ] && shift
data="${LABEL_STUDIO_BASE_DATA_DIR:-/label-studio/data}"
if ! touch "$data/.writable" 2>/dev/null; then
  echo "ERROR: Data directory is not writable: $data" >&2
  echo "Running as UID=$(id -u) GID=$(id -g); the folder is owned by $(stat -c %u:%g "$data")." >&2
  exit 1
fi
rm -f "$data/.writable"
template=/opt/label-studio/template/label_studio.sqlite3
if [ "${DJANGO_DB:-sqlite}" = sqlite ] && [ ! -e "$data/label_studio.sqlite3" ] && [ -f "$template" ]; then
  echo "entrypoint: a fresh data folder: seeding it with the database migrated at build time"
  cp "$template" "$data/label_studio.sqlite3"
fi
exec label-studio start --no-browser --internal-host 0.0.0.0 -p "${LABEL_STUDIO_PORT:-8080}" "$@"
