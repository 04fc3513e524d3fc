#!/usr/bin/env bash
# Checks the Helm chart in helm/: `helm lint`, `helm template` with the default values and with
# overrides, assertions on the rendered YAML, values the chart must refuse, and a strict decode of
# every rendered object with the Kubernetes API types (unknown fields, wrong types: an offline
# stand-in for kubeconform, which cannot download its schemas here).
#
# helm and the decoder are built once from the Go module proxy into a cache outside the repository
# (idempotent; later runs reuse the binaries). Exit status 0 only when every check passes.
#
#   deploy/helm-check.sh
#
# Environment:
#   HELM_VERSION   helm release to build (default v3.22.0; needs the Go toolchain it names)
#   PB_CACHE_DIR   cache folder (default ~/.cache/partybuilding); binaries go to $PB_CACHE_DIR/bin
#   HELM           use this helm binary instead of building one
#   SKIP_DECODE=1  skip the strict decode (no second Go build)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
chart="$repo/helm"
HELM_VERSION=${HELM_VERSION:-v3.22.0}
cache=${PB_CACHE_DIR:-$HOME/.cache/partybuilding}
bin="$cache/bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Same environment for every Go build here, so the two builds share the Go build cache.
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0

say() { printf 'helm-check: %s\n' "$*" >&2; }
die() { say "FAIL: $*"; exit 1; }

need_go() {
  command -v go >/dev/null || die "go is needed to build $1 (or set HELM to a helm binary)"
}

# k8s.io/client-go version that helm $HELM_VERSION is built with (v0.37.0 -> Kubernetes 1.37).
client_go_version() {
  local gomod
  gomod=$(go mod download -json "helm.sh/helm/v3@$HELM_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  [[ -f $gomod ]] || die "cannot download helm.sh/helm/v3@$HELM_VERSION from the Go module proxy"
  awk '$1 == "k8s.io/client-go" { print $2; exit }' "$gomod"
}

install_helm() {
  local target="$bin/helm-$HELM_VERSION"
  if [[ -x $target ]]; then
    HELM_BIN=$target
    return
  fi
  need_go helm
  mkdir -p "$bin"
  say "building helm $HELM_VERSION from the Go module proxy into $bin (first run only)"
  local k8s minor tmp
  k8s=$(client_go_version)
  minor=$(cut -d. -f2 <<<"$k8s")
  tmp=$(mktemp -d "$bin/.helm.XXXXXX")
  # The ldflags of helm's Makefile: its version, and the Kubernetes version `helm template`
  # and `helm lint` assume (without them helm assumes 1.20, older than the chart's kubeVersion).
  if ! GOBIN="$tmp" go install -trimpath -ldflags "-s -w \
      -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
      -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 \
      -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor \
      -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 \
      -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor" \
      "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2; then
    rm -rf "$tmp"
    die "go install helm $HELM_VERSION failed (an older Go? try HELM_VERSION=<older tag>; see: go list -m -versions helm.sh/helm/v3)"
  fi
  mv "$tmp/helm" "$target"
  rmdir "$tmp"
  HELM_BIN=$target
}

# A small Go program that decodes every object of a multi-document YAML stream strictly with the
# client-go scheme; built against the same Kubernetes modules as helm, so the build cache is shared.
install_decoder() {
  local target="$bin/kube-strict-decode-$HELM_VERSION"
  if [[ -x $target ]]; then
    DECODE_BIN=$target
    return
  fi
  need_go "the strict decoder"
  mkdir -p "$bin"
  say "building the strict decoder (first run only)"
  local k8s src="$work/decoder"
  k8s=$(client_go_version)
  mkdir -p "$src"
  cat >"$src/main.go" <<'GO'
// Reads a multi-document YAML stream (helm template output) on stdin and decodes each object
// strictly with the Kubernetes API types: unknown or duplicate fields and wrong value types fail.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"
)

func main() {
	decoder := serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict).UniversalDeserializer()
	reader := utilyaml.NewYAMLReader(bufio.NewReader(os.Stdin))
	objects, failures := 0, 0
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "read:", err)
			os.Exit(2)
		}
		asJSON, err := yaml.YAMLToJSON(doc)
		if err != nil {
			fmt.Fprintf(os.Stderr, "invalid YAML: %v\n%s\n", err, doc)
			failures++
			continue
		}
		if trimmed := bytes.TrimSpace(asJSON); len(trimmed) == 0 || string(trimmed) == "null" {
			continue // a document holding only comments
		}
		objects++
		if _, gvk, err := decoder.Decode(doc, nil, nil); err != nil {
			fmt.Fprintf(os.Stderr, "%v: %v\n", gvk, err)
			failures++
		}
	}
	fmt.Printf("%d objects decoded strictly, %d failed\n", objects, failures)
	if failures > 0 || objects == 0 {
		os.Exit(1)
	}
}
GO
  (
    cd "$src"
    go mod init kube-strict-decode >/dev/null 2>&1
    go get "k8s.io/client-go@$k8s" "k8s.io/api@$k8s" "k8s.io/apimachinery@$k8s" sigs.k8s.io/yaml >/dev/null 2>&1
    go mod tidy >/dev/null 2>&1
    go build -trimpath -ldflags "-s -w" -o "$target.tmp" .
  ) >&2 || die "building the strict decoder failed"
  mv "$target.tmp" "$target"
  DECODE_BIN=$target
}

if [[ -n ${HELM:-} ]]; then
  HELM_BIN=$HELM
else
  install_helm
fi
say "$("$HELM_BIN" version --short)"

failures=0
check() { # check NAME COMMAND...: runs it, prints ok or FAIL with the output
  local name=$1
  shift
  if "$@" >"$work/out" 2>&1; then
    printf 'ok    %s\n' "$name"
  else
    printf 'FAIL  %s\n' "$name"
    sed 's/^/      /' "$work/out"
    failures=$((failures + 1))
  fi
}
refuses() { # refuses NAME EXPECTED-MESSAGE HELM-ARGS...: the render must fail with that message
  local name=$1 expected=$2
  shift 2
  if "$HELM_BIN" template t "$chart" "$@" >"$work/out" 2>&1; then
    printf 'FAIL  %s (rendered, should have been refused)\n' "$name"
    failures=$((failures + 1))
  elif grep -qF -- "$expected" "$work/out"; then
    printf 'ok    %s\n' "$name"
  else
    printf 'FAIL  %s (refused without "%s")\n' "$name" "$expected"
    sed 's/^/      /' "$work/out"
    failures=$((failures + 1))
  fi
}
has() { # has FILE TEXT...: every text occurs in the rendered file
  local file=$1 text
  shift
  for text in "$@"; do
    grep -qF -- "$text" "$file" || { echo "missing: $text"; return 1; }
  done
}
count() { # count FILE KIND N: exactly N objects of that kind
  local n
  n=$(grep -c "^kind: $2\$" "$1" || true)
  [[ $n == "$3" ]] || { echo "kind $2: $n objects, expected $3"; return 1; }
}
render() { # render FILE HELM-ARGS...
  local file=$1
  shift
  "$HELM_BIN" template t "$chart" "$@" >"$file"
}

# AUTH_TOKEN_SECRET has no default: every render names a Secret (production style) unless it
# checks the development Secret or the refusal itself.
auth_args=(--set auth.existingSecret=partybuilding-auth)
dev_token=dev-only-0123456789abcdef0123456789abcdef
scale_args=(--set services.content.replicas=3 --set services.gateway.ingress.enabled=true)
all_args=()
for svc in learning feedback supervision; do all_args+=(--set "services.$svc.enabled=true"); done

check "helm lint --strict (default values, auth.existingSecret)" "$HELM_BIN" lint --strict "$chart" "${auth_args[@]}"
check "helm lint --strict (content replicas 3, gateway ingress)" "$HELM_BIN" lint --strict "$chart" "${auth_args[@]}" "${scale_args[@]}"
check "helm lint --strict (auth.tokenSecret, development)" "$HELM_BIN" lint --strict "$chart" --set-string "auth.tokenSecret=$dev_token"
check "helm template (default values, auth.existingSecret)" render "$work/default.yaml" "${auth_args[@]}"
check "helm template (content replicas 3, gateway ingress)" render "$work/scaled.yaml" "${auth_args[@]}" "${scale_args[@]}"
check "helm template (autoscaling off)" render "$work/fixed.yaml" "${auth_args[@]}" --set services.content.replicas=3 \
  --set services.content.autoscaling.enabled=false --set services.gateway.autoscaling.enabled=false \
  --set services.member.autoscaling.enabled=false
check "helm template (all six services)" render "$work/all.yaml" "${auth_args[@]}" "${all_args[@]}"
check "helm template (auth.tokenSecret, development)" render "$work/dev.yaml" --set-string "auth.tokenSecret=$dev_token"
check "helm template --kube-version 1.24 (oldest with gRPC probes)" render "$work/k124.yaml" "${auth_args[@]}" --kube-version 1.24.0

check "default: one of each kind per service (content, gateway, member), no Ingress, no Secret" bash -c "
  $(declare -f count)
  for kind in Deployment Service HorizontalPodAutoscaler PodDisruptionBudget ServiceAccount ConfigMap; do
    count '$work/default.yaml' \$kind 3 || exit 1
  done
  count '$work/default.yaml' Ingress 0 && count '$work/default.yaml' Secret 0"
check "default: names, images, env, secret reference" has "$work/default.yaml" \
  "name: t-content" "name: t-gateway" "name: t-member" \
  'image: "registry.example.com/partybuilding/content:0.1.0"' \
  'image: "registry.example.com/partybuilding/member:0.1.0"' \
  'CONTENT_ADDR: "t-content:50051"' 'CONTENT_GRPC_ADDR: "0.0.0.0:50051"' \
  'MEMBER_ADDR: "t-member:50052"' 'MEMBER_GRPC_ADDR: "0.0.0.0:50052"' \
  'GATEWAY_HOST: "0.0.0.0"' 'GATEWAY_PORT: "8080"' \
  'PUBLIC_RATE_LIMIT_PER_MINUTE: "600"' 'AUTH_RATE_LIMIT_PER_MINUTE: "20"' \
  'AUTH_ACCESS_TTL_SECONDS: "900"' 'AUTH_REFRESH_TTL_SECONDS: "604800"' 'AUTH_LOCKOUT_THRESHOLD: "5"' \
  'AUTH_LOCKOUT_WINDOW_SECONDS: "900"' 'AUTH_LOCKOUT_SECONDS: "900"' 'TRANSFER_LETTER_DAYS: "90"' \
  'JOB_INTERVAL_MS: "60000"' 'OUTBOX_SWEEP_MS: "10000"' \
  'NATS_URL: "nats://nats:4222"' 'OTEL_SERVICE_NAME: "content"' 'OTEL_SERVICE_NAME: "member"' \
  "name: t-content-secret" "name: t-member-secret" "key: MONGO_URL"
check "default: gateway and member read AUTH_TOKEN_SECRET from auth.existingSecret" bash -c "
  $(declare -f has)
  for svc in gateway member; do
    awk -v n=\"t-\$svc\" '/^kind: /{k=\$2} /^---/{k=\"\"; d=0} k==\"Deployment\"&&\$0==\"  name: \"n{d=1} d' '$work/default.yaml' >'$work/deploy-\$svc.yaml'
    has '$work/deploy-\$svc.yaml' '- name: AUTH_TOKEN_SECRET' 'name: partybuilding-auth' 'key: AUTH_TOKEN_SECRET' || { echo \"in t-\$svc\"; exit 1; }
  done
  [[ \$(grep -c 'key: AUTH_TOKEN_SECRET' '$work/default.yaml') == 2 ]] || { echo 'AUTH_TOKEN_SECRET read by other than gateway and member'; exit 1; }"
check "default: no identity-header switch left" bash -c "! grep -q 'IDENTITY_HEADERS' '$work/default.yaml'"
check "default: probes (gRPC native, /healthz, /readyz)" has "$work/default.yaml" \
  "grpc:" "port: 50051" "port: 50052" "path: /healthz" "path: /readyz"
check "default: hardened pods" has "$work/default.yaml" \
  "runAsNonRoot: true" "readOnlyRootFilesystem: true" "allowPrivilegeEscalation: false" \
  "- ALL" "type: RuntimeDefault" "automountServiceAccountToken: false" "mountPath: /tmp"
check "default: no MONGO_URL or AUTH_TOKEN_SECRET value in plain text" \
  bash -c "! grep -Eq '(MONGO_URL|AUTH_TOKEN_SECRET): ' '$work/default.yaml'"
check "development: the chart's own Secret t-auth, read by gateway and member, pods roll with it" bash -c "
  $(declare -f count has)
  count '$work/dev.yaml' Secret 1 &&
  has '$work/dev.yaml' 'name: t-auth' 'AUTH_TOKEN_SECRET: \"$(printf %s "$dev_token" | base64 -w0)\"' &&
  [[ \$(grep -c '^                  name: t-auth\$' '$work/dev.yaml') == 2 ]] &&
  [[ \$(grep -c 'checksum/auth: ' '$work/dev.yaml') == 2 ]] &&
  ! grep -q '$dev_token' '$work/dev.yaml'"
check "default: HPA owns replicas (Deployments have none)" bash -c "! grep -q '^  replicas:' '$work/default.yaml'"
check "scaled: content HPA minimum 3, gateway Ingress" bash -c "
  $(declare -f count has)
  count '$work/scaled.yaml' Ingress 1 &&
  awk '/^kind: HorizontalPodAutoscaler/{h=1} /^---/{h=0} h&&/name: t-content\$/{c=1} h&&c&&/minReplicas:/{print \$2; exit}' '$work/scaled.yaml' | grep -qx 3 &&
  has '$work/scaled.yaml' 'host: \"partybuilding.example.com\"' 'name: http'"
check "autoscaling off: content Deployment replicas 3, no HPA" bash -c "
  $(declare -f count)
  count '$work/fixed.yaml' HorizontalPodAutoscaler 0 && grep -q '^  replicas: 3\$' '$work/fixed.yaml'"
check "all six services: six of each kind" bash -c "
  $(declare -f count has)
  for kind in Deployment Service HorizontalPodAutoscaler PodDisruptionBudget ServiceAccount ConfigMap; do
    count '$work/all.yaml' \$kind 6 || exit 1
  done
  has '$work/all.yaml' 'LEARNING_GRPC_ADDR: \"0.0.0.0:50051\"' 'name: t-supervision-secret'"

# NOTES.txt is not printed by `helm template`: render it through a copy of the chart in which it
# is a named template emitted as one YAML string.
notes_chart="$work/notes-chart"
cp -R "$chart" "$notes_chart"
{
  echo '{{- define "partybuilding.notesPreview" }}'
  cat "$notes_chart/templates/NOTES.txt"
  echo '{{- end }}'
  echo 'notes: {{ include "partybuilding.notesPreview" . | toJson }}'
} >"$notes_chart/templates/notes-preview.yaml"
rm "$notes_chart/templates/NOTES.txt"
check "NOTES.txt renders, names the Secret and how to reach the gateway" bash -c "
  $(declare -f has)
  '$HELM_BIN' template pb '$notes_chart' -n party --show-only templates/notes-preview.yaml \
    --set auth.existingSecret=partybuilding-auth >'$work/notes.yaml' &&
  has '$work/notes.yaml' 'create secret generic pb-content-secret --from-literal=MONGO_URL=' \
    'create secret generic pb-member-secret --from-literal=MONGO_URL=' \
    'create secret generic partybuilding-auth --from-literal=AUTH_TOKEN_SECRET=\$(openssl rand -base64 48)' \
    'port-forward svc/pb-gateway 8080:8080'"

refuses "refuses no auth Secret (neither auth.existingSecret nor auth.tokenSecret)" \
  "set auth.existingSecret to the name of a Secret with the key AUTH_TOKEN_SECRET (production: kubectl create secret generic partybuilding-auth --from-literal=AUTH_TOKEN_SECRET=\$(openssl rand -base64 48)), or auth.tokenSecret to a random string of 32+ characters to have the chart create one (development clusters only)"
refuses "refuses both auth.existingSecret and auth.tokenSecret" "set only one of auth.existingSecret" \
  "${auth_args[@]}" --set-string "auth.tokenSecret=$dev_token"
refuses "refuses an auth.tokenSecret shorter than 32 characters" "auth.tokenSecret must be at least 32 characters" \
  --set-string auth.tokenSecret=short
refuses "refuses AUTH_TOKEN_SECRET in plain-text env" "AUTH_TOKEN_SECRET in env would be plain text" \
  "${auth_args[@]}" --set services.member.env.AUTH_TOKEN_SECRET=0123456789abcdef0123456789abcdef
refuses "refuses a call to a disabled service" '"member", which is not an enabled service' \
  "${auth_args[@]}" --set services.member.enabled=false
refuses "refuses maxReplicas below replicas" "autoscaling.maxReplicas" \
  "${auth_args[@]}" --set services.content.replicas=12
refuses "refuses an Ingress to a gRPC service" "only http services" \
  "${auth_args[@]}" --set services.content.ingress.enabled=true
refuses "refuses Kubernetes older than 1.24" "kubeVersion" "${auth_args[@]}" --kube-version 1.23.0

if [[ ${SKIP_DECODE:-} == 1 ]]; then
  say "SKIP_DECODE=1: strict decode skipped"
else
  install_decoder
  for file in default scaled fixed all dev; do
    check "strict decode with the Kubernetes API types ($file)" "$DECODE_BIN" <"$work/$file.yaml"
  done
fi

if ((failures > 0)); then
  say "$failures check(s) failed"
  exit 1
fi
say "all checks passed"
