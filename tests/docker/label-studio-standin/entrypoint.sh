#!/bin/sh
# Stand-in for heartexlabs/label-studio, built from busybox only (no registry). It mimics exactly what
# LabelPipeline's Deploy relies on, and nothing else:
#   - runs as uid 1001 (gid 0) and fails fast, with Label Studio's message, when /label-studio/data is not writable;
#   - first-boot semantics: LABEL_STUDIO_USERNAME + LABEL_STUDIO_PASSWORD create the user only when the data volume
#     is fresh; LABEL_STUDIO_USER_TOKEN (> 5 chars) becomes its token then and only then; the organization's
#     legacy-token switch (LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN) is fixed at that moment too. All of it is persisted in
#     the data volume; later values of these variables are ignored ("User ... already exists");
#   - a startup delay (database migrations in the real image) before anything listens on 8080;
#   - GET /health -> 200 {"status": "UP"}; GET /api/version; GET /api/current-user/whoami -> 200 only for
#     "Authorization: Token <persisted token>", 401 otherwise (see handler.sh).
# Secrets are only ever handled by shell builtins and redirections, never as a process argument.
set -u
umask 077

data="${LABEL_STUDIO_BASE_DATA_DIR:-/label-studio/data}"
state="$data/standin"

echo "=> Database and media directory: $data"
# A subshell: a failed redirection on the special builtin ":" would end the whole script.
if ! ( : > "$data/.write-test" ) 2>/dev/null; then
  echo "=> ERROR: Data directory is not writable: $data"
  echo "   Current user: UID = $(id -u) GID = $(id -g)"
  echo "   Make the data directory writable by UID 1001 or GID 0, e.g.: rm -rf mydata; mkdir -p mydata; sudo chown :0 mydata"
  exit 1
fi
rm -f "$data/.write-test"

is_true() {
  case "$1" in
    [Tt][Rr][Uu][Ee] | 1 | [Yy][Ee][Ss] | [Oo][Nn]) return 0 ;;
    *) return 1 ;;
  esac
}

username="${LABEL_STUDIO_USERNAME:-}"
password="${LABEL_STUDIO_PASSWORD:-}"
user_token="${LABEL_STUDIO_USER_TOKEN:-}"

if [ -n "$username" ] && [ -n "$password" ]; then
  if [ -f "$state/email" ]; then
    echo "User $username already exists"
  else
    mkdir -p "$state"
    if is_true "${LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN:-false}"; then
      printf 'true' > "$state/legacy_api_tokens_enabled"
    else
      printf 'false' > "$state/legacy_api_tokens_enabled"
    fi
    if [ "${#user_token}" -gt 5 ]; then
      printf '%s' "$user_token" > "$state/token"
    else
      # Label Studio generates a random 40-hex key when no usable token is given.
      od -An -N20 -tx1 /dev/urandom | tr -d ' \n' > "$state/token"
    fi
    date -u '+%Y-%m-%dT%H:%M:%S.000000Z' > "$state/date_joined"
    printf '%s' "$username" > "$state/email"
    echo "User $username created"
  fi
fi

if is_true "${LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED:-false}"; then
  echo "=> Local files serving enabled, document root: ${LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT:-/}"
fi
if [ -n "${LABEL_STUDIO_HOST:-}" ]; then
  echo "=> Hostname correctly is set to: $LABEL_STUDIO_HOST"
fi

# The real image runs migrations before it serves; connections are refused or reset meanwhile.
sleep "${STANDIN_STARTUP_DELAY:-2}"
echo "Starting development server at http://0.0.0.0:8080/"
exec nc -ll -p 8080 -e /bin/handler.sh
