#!/bin/sh
# Regenerates internal/api/chaoslabv1 from proto/. Needs Debian's protoc
# (apt-get install -y protobuf-compiler) and the Go plugins:
#   go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
#   go install connectrpc.com/connect/cmd/protoc-gen-connect-go@v1.21.1
# The generated code is committed, so builds and CI never need protoc.
set -eu
cd "$(dirname "$0")"
PATH="$(go env GOPATH)/bin:$PATH"
out=../internal/api
protoc -I . \
  --go_out="$out" --go_opt=module=chaoslab/internal/api \
  --connect-go_out="$out" --connect-go_opt=module=chaoslab/internal/api \
  chaoslab/v1/device.proto
