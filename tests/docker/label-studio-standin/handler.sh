#!/bin/sh
# One HTTP/1.1 exchange per connection (busybox nc -ll -e runs this with the socket on stdin/stdout).
# Busybox httpd does pass Authorization to CGI as HTTP_AUTHORIZATION, but it cannot route /health or
# /api/current-user/whoami to a CGI without a /cgi-bin/ prefix or a redirect; a plain nc loop answers the real paths.
# The token is compared with the shell builtin [ only: it never becomes a process argument.
data="${LABEL_STUDIO_BASE_DATA_DIR:-/label-studio/data}"
state="$data/standin"
version="1.23.0"
cr=$(printf '\r')

respond() {
  # $1 status line, $2 content type, $3 body, $4 optional extra header line
  extra=""
  [ -n "${4:-}" ] && extra="$4$cr
"
  printf 'HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %s\r\n%sConnection: close\r\n\r\n%s' \
    "$1" "$2" "${#3}" "$extra" "$3"
  echo "$method $path -> ${1%% *}" >&2
  exit 0
}

error_json() {
  printf '{"id": "00000000-0000-4000-8000-000000000000", "status_code": %s, "version": "%s", "detail": "%s", "exc_info": null}' \
    "$1" "$version" "$2"
}

method=""
path=""
IFS= read -r -t 10 request_line || exit 0
request_line="${request_line%"$cr"}"
method="${request_line%% *}"
target="${request_line#* }"
target="${target%% *}"
path="${target%%\?*}"

authorization=""
content_length=0
chunked=""
forwarded_headers=""
while IFS= read -r -t 10 header; do
  header="${header%"$cr"}"
  [ -z "$header" ] && break
  case "$header" in
    [Aa][Uu][Tt][Hh][Oo][Rr][Ii][Zz][Aa][Tt][Ii][Oo][Nn]:*)
      authorization="${header#*:}"
      authorization="${authorization# }"
      ;;
    [Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Ll][Ee][Nn][Gg][Tt][Hh]:*)
      content_length="${header#*:}"
      content_length="${content_length# }"
      ;;
    [Tt][Rr][Aa][Nn][Ss][Ff][Ee][Rr]-[Ee][Nn][Cc][Oo][Dd][Ii][Nn][Gg]:*[Cc][Hh][Uu][Nn][Kk][Ee][Dd]*)
      chunked="yes"
      ;;
  esac
  case "$header" in
    [Cc][Oo][Nn][Nn][Ee][Cc][Tt][Ii][Oo][Nn]:* | [Kk][Ee][Ee][Pp]-[Aa][Ll][Ii][Vv][Ee]:*) ;;
    *) forwarded_headers="$forwarded_headers$header$cr
" ;;
  esac
done

# With an upstream baked into the image (build-standin.sh with STANDIN_UPSTREAM=host:port), everything but the
# health check and the token check goes to a real API there (the Label Studio emulator): one request per connection,
# the body read by its Content-Length, the answer streamed back as it comes. Headers (the token too) only pass
# through shell variables and pipes, never a process argument.
upstream=""
[ -f /etc/standin-upstream ] && IFS= read -r upstream < /etc/standin-upstream
case "$path" in
  /health | /health/ | /api/current-user/whoami | /api/current-user/whoami/) ;;
  *)
    if [ -n "$upstream" ]; then
      if [ -n "$chunked" ]; then
        respond "411 Length Required" "application/json" "$(error_json 411 "The stand-in forwards bodies with a Content-Length only.")"
      fi
      echo "$method $path -> $upstream" >&2
      # Through a FIFO held open until the answer is in: nc half-closes the connection when its input ends, and
      # Kestrel takes that as the client going away and drops the request.
      fifo="/tmp/standin-forward.$$"
      mkfifo -m 600 "$fifo" || exit 0
      nc "${upstream%:*}" "${upstream##*:}" < "$fifo" &
      forwarder=$!
      exec 3> "$fifo"
      rm -f "$fifo"
      {
        printf '%s\r\n%sConnection: close\r\n\r\n' "$request_line" "$forwarded_headers"
        [ "$content_length" -gt 0 ] 2>/dev/null && head -c "$content_length"
      } >&3
      wait "$forwarder"
      exec 3>&-
      exit 0
    fi
    ;;
esac

if [ "$method" != "GET" ] && [ "$method" != "HEAD" ]; then
  respond "405 Method Not Allowed" "application/json" "$(error_json 405 "Method \\\"$method\\\" not allowed.")"
fi

case "$path" in
  /health | /health/)
    # A test switch: a file in the container's own /tmp (not the data volume) makes this instance unhealthy.
    if [ -f /tmp/standin-unhealthy ]; then
      respond "503 Service Unavailable" "text/html; charset=utf-8" '{"status": "DOWN"}'
    fi
    # Django's HttpResponse: JSON text, but text/html.
    respond "200 OK" "text/html; charset=utf-8" '{"status": "UP"}'
    ;;
  /api/version | /api/version/)
    respond "200 OK" "application/json" \
      "{\"release\": \"$version\", \"label-studio-os-package\": {\"version\": \"$version\", \"short_version\": \"1.23\"}, \"edition\": \"Community\", \"standin\": true}"
    ;;
  /api/current-user/whoami | /api/current-user/whoami/)
    if [ -z "$authorization" ]; then
      respond "401 Unauthorized" "application/json" "$(error_json 401 "Authentication credentials were not provided.")" "WWW-Authenticate: Token"
    fi
    presented="${authorization#Token }"
    if [ "$presented" = "$authorization" ] || [ ! -f "$state/token" ]; then
      respond "401 Unauthorized" "application/json" "$(error_json 401 "Invalid token.")" "WWW-Authenticate: Token"
    fi
    IFS= read -r token < "$state/token" || true
    if [ "$presented" != "$token" ]; then
      respond "401 Unauthorized" "application/json" "$(error_json 401 "Invalid token.")" "WWW-Authenticate: Token"
    fi
    IFS= read -r legacy < "$state/legacy_api_tokens_enabled" || true
    if [ "$legacy" != "true" ]; then
      respond "401 Unauthorized" "application/json" \
        "$(error_json 401 "Authentication token no longer valid: legacy token authentication has been disabled for this organization")" \
        "WWW-Authenticate: Token"
    fi
    IFS= read -r email < "$state/email" || true
    IFS= read -r joined < "$state/date_joined" || true
    respond "200 OK" "application/json" \
      "{\"id\": 1, \"email\": \"$email\", \"username\": \"\", \"first_name\": \"\", \"last_name\": \"\", \"active_organization\": 1, \"date_joined\": \"$joined\"}"
    ;;
  *)
    respond "404 Not Found" "application/json" "$(error_json 404 "Not found.")"
    ;;
esac
