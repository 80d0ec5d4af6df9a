#!/usr/bin/env bash
# Container health check: GET /health/ready on the admin port with bash alone (the JRE image has no curl).
# Exit 0 when the answer is 200; 503 (draining) or no answer is unhealthy.
set -euo pipefail
port="${QIMEN_ADMIN_PORT:-9090}"
exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 2 status <&3
exec 3<&-
[[ "$status" == "HTTP/1.1 200"* ]]
