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
# KEDA's ScaledObject is not in that scheme: it is decoded strictly into the fields of KEDA v2's
# keda.sh/v1alpha1 types, transcribed below. With -json FILE it also writes every object as one
# JSON line there, for deploy/helm-assert.ts. The binary's name carries a hash of its source.
decoder_source() {
  cat <<'GO'
// Reads a multi-document YAML stream (helm template output) on stdin and decodes each object
// strictly with the Kubernetes API types: unknown or duplicate fields and wrong value types fail.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"
)

// KEDA v2 keda.sh/v1alpha1 ScaledObject (apis/keda/v1alpha1/scaledobject_types.go), the fields
// a ScaledObject may carry; metadata values of a trigger are strings.
type scaledObject struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       struct {
		ScaleTargetRef *struct {
			Name                   string `json:"name"`
			APIVersion             string `json:"apiVersion,omitempty"`
			Kind                   string `json:"kind,omitempty"`
			EnvSourceContainerName string `json:"envSourceContainerName,omitempty"`
		} `json:"scaleTargetRef"`
		PollingInterval       *int32 `json:"pollingInterval,omitempty"`
		InitialCooldownPeriod *int32 `json:"initialCooldownPeriod,omitempty"`
		CooldownPeriod        *int32 `json:"cooldownPeriod,omitempty"`
		IdleReplicaCount      *int32 `json:"idleReplicaCount,omitempty"`
		MinReplicaCount       *int32 `json:"minReplicaCount,omitempty"`
		MaxReplicaCount       *int32 `json:"maxReplicaCount,omitempty"`
		Advanced              *struct {
			HorizontalPodAutoscalerConfig *struct {
				Name     string                                         `json:"name,omitempty"`
				Behavior *autoscalingv2.HorizontalPodAutoscalerBehavior `json:"behavior,omitempty"`
			} `json:"horizontalPodAutoscalerConfig,omitempty"`
			RestoreToOriginalReplicaCount bool `json:"restoreToOriginalReplicaCount,omitempty"`
		} `json:"advanced,omitempty"`
		Triggers []struct {
			Type              string            `json:"type"`
			Name              string            `json:"name,omitempty"`
			UseCachedMetrics  bool              `json:"useCachedMetrics,omitempty"`
			Metadata          map[string]string `json:"metadata"`
			MetricType        string            `json:"metricType,omitempty"`
			AuthenticationRef *struct {
				Name string `json:"name"`
				Kind string `json:"kind,omitempty"`
			} `json:"authenticationRef,omitempty"`
		} `json:"triggers"`
		Fallback *struct {
			FailureThreshold int32 `json:"failureThreshold"`
			Replicas         int32 `json:"replicas"`
		} `json:"fallback,omitempty"`
	} `json:"spec"`
}

func decodeScaledObject(asJSON []byte) error {
	decoder := json.NewDecoder(bytes.NewReader(asJSON))
	decoder.DisallowUnknownFields()
	var object scaledObject
	if err := decoder.Decode(&object); err != nil {
		return err
	}
	if object.Spec.ScaleTargetRef == nil || object.Spec.ScaleTargetRef.Name == "" {
		return errors.New("spec.scaleTargetRef.name is required")
	}
	if len(object.Spec.Triggers) == 0 {
		return errors.New("spec.triggers is required")
	}
	return nil
}

func main() {
	jsonOut := flag.String("json", "", "also write every object as one JSON line to this file")
	flag.Parse()
	var lines *os.File
	if *jsonOut != "" {
		file, err := os.Create(*jsonOut)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		defer file.Close()
		lines = file
	}
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
		if lines != nil {
			fmt.Fprintf(lines, "%s\n", bytes.TrimSpace(asJSON))
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		_ = json.Unmarshal(asJSON, &head)
		if head.APIVersion == "keda.sh/v1alpha1" && head.Kind == "ScaledObject" {
			if err := decodeScaledObject(asJSON); err != nil {
				fmt.Fprintf(os.Stderr, "keda.sh/v1alpha1 ScaledObject: %v\n", err)
				failures++
			}
			continue
		}
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
}

install_decoder() {
  local hash
  hash=$(decoder_source | sha256sum | cut -c1-12)
  local target="$bin/kube-strict-decode-$HELM_VERSION-$hash"
  if [[ -x $target ]]; then
    DECODE_BIN=$target
    return
  fi
  need_go "the strict decoder"
  mkdir -p "$bin"
  say "building the strict decoder (first run, or after its source changed)"
  local k8s src="$work/decoder"
  k8s=$(client_go_version)
  mkdir -p "$src"
  decoder_source >"$src/main.go"
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

# AUTH_TOKEN_SECRET and the caller keys have no default: every render names Secrets (production
# style) and the public key of a pair made here, unless it checks the development Secrets or a
# refusal itself.
node -e '
  const { generateKeyPairSync } = require("node:crypto");
  const fs = require("node:fs");
  for (const name of ["caller", "next"]) {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    fs.writeFileSync(`${process.argv[1]}/${name}.pem`, privateKey.export({ type: "pkcs8", format: "pem" }));
    fs.writeFileSync(`${process.argv[1]}/${name}.pub`, publicKey.export({ type: "spki", format: "pem" }));
  }
  const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
  fs.writeFileSync(`${process.argv[1]}/rsa.pub`, rsa.publicKey.export({ type: "spki", format: "pem" }));
' "$work"
cat "$work/caller.pub" "$work/next.pub" >"$work/rotating.pub"
keys_args=(--set callerKeys.existingSecret=partybuilding-caller-key --set-file "callerKeys.verifyKeys=$work/caller.pub")
auth_args=(--set auth.existingSecret=partybuilding-auth "${keys_args[@]}")
dev_token=dev-only-0123456789abcdef0123456789abcdef
dev_args=(--set-string "auth.tokenSecret=$dev_token" --set-file "callerKeys.signingKey=$work/caller.pem" --set-file "callerKeys.verifyKeys=$work/caller.pub")
scale_args=(--set services.content.replicas=3 --set services.gateway.ingress.enabled=true)
# The witness's key of the supervision service comes from the witness's own Secret (a list in
# values: a values file, since --set on one list element replaces the whole list).
cat >"$work/witness.yaml" <<'YAML'
services:
  supervision:
    secretRefs:
      - env: AUDIT_WITNESS_KEY
        secret: partybuilding-witness
        key: AUDIT_WITNESS_KEY
YAML
all_args=(--set "services.gateway.calls={content,member,learning,feedback,supervision}" -f "$work/witness.yaml")
for svc in learning feedback supervision; do all_args+=(--set "services.$svc.enabled=true"); done
keda_args=(--set keda.enabled=true --api-versions keda.sh/v1alpha1/ScaledObject --set services.content.lagScaling.enabled=true
  --set global.env.BUS_NAMESPACE=prod --set services.content.autoscaling.behavior.scaleDown.stabilizationWindowSeconds=600)
stores_args=(--set stores.nats.existingSecret=nats-credentials --set stores.elasticsearch.existingSecret=es-credentials
  --set stores.tls.caSecret=stores-ca --set-file "callerKeys.verifyKeys=$work/rotating.pub"
  --set global.env.OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector.observability:4318)

check "helm lint --strict (default values, auth and caller-key Secrets)" "$HELM_BIN" lint --strict "$chart" "${auth_args[@]}"
check "helm lint --strict (content replicas 3, gateway ingress)" "$HELM_BIN" lint --strict "$chart" "${auth_args[@]}" "${scale_args[@]}"
check "helm lint --strict (auth.tokenSecret, callerKeys.signingKey, development)" "$HELM_BIN" lint --strict "$chart" "${dev_args[@]}"
check "helm template (default values, auth and caller-key Secrets)" render "$work/default.yaml" "${auth_args[@]}"
check "helm template (content replicas 3, gateway ingress)" render "$work/scaled.yaml" "${auth_args[@]}" "${scale_args[@]}"
check "helm template (autoscaling off)" render "$work/fixed.yaml" "${auth_args[@]}" --set services.content.replicas=3 \
  --set services.content.autoscaling.enabled=false --set services.gateway.autoscaling.enabled=false \
  --set services.member.autoscaling.enabled=false --set services.learning.autoscaling.enabled=false \
  --set services.feedback.autoscaling.enabled=false --set services.supervision.autoscaling.enabled=false
check "helm template (all six services)" render "$work/all.yaml" "${auth_args[@]}" "${all_args[@]}"
check "helm template (auth.tokenSecret, callerKeys.signingKey, development)" render "$work/dev.yaml" "${dev_args[@]}"
check "helm template (KEDA: content scales on the indexer's lag, namespace prod)" render "$work/keda.yaml" "${auth_args[@]}" "${keda_args[@]}"
check "helm template (external stores: NATS and Elasticsearch URLs from Secrets, CA bundle, two verify keys, collector)" \
  render "$work/stores.yaml" "${auth_args[@]}" "${stores_args[@]}"
check "helm template (NetworkPolicies off)" render "$work/open.yaml" "${auth_args[@]}" --set networkPolicy.enabled=false
check "helm template --kube-version 1.24 (oldest with gRPC probes)" render "$work/k124.yaml" "${auth_args[@]}" --kube-version 1.24.0

check "default: one of each kind per service (the five of packages/platform and the gateway), a NetworkPolicy each and the default deny, no Ingress, no Secret" bash -c "
  $(declare -f count)
  for kind in Deployment Service HorizontalPodAutoscaler PodDisruptionBudget ServiceAccount ConfigMap; do
    count '$work/default.yaml' \$kind 6 || exit 1
  done
  count '$work/default.yaml' NetworkPolicy 7 && count '$work/default.yaml' Ingress 0 && count '$work/default.yaml' Secret 0 &&
  count '$work/default.yaml' ScaledObject 0"
check "default: names, images, env, secret reference" has "$work/default.yaml" \
  "name: t-content" "name: t-gateway" "name: t-member" \
  'image: "registry.example.com/partybuilding/content:0.1.0"' \
  'image: "registry.example.com/partybuilding/member:0.1.0"' \
  'CONTENT_ADDR: "t-content:50051"' 'CONTENT_GRPC_ADDR: "0.0.0.0:50051"' \
  'MEMBER_ADDR: "t-member:50052"' 'MEMBER_GRPC_ADDR: "0.0.0.0:50052"' \
  'GATEWAY_HOST: "0.0.0.0"' 'GATEWAY_PORT: "8080"' \
  'PUBLIC_RATE_LIMIT_PER_MINUTE: "600"' 'AUTH_RATE_LIMIT_PER_MINUTE: "20"' 'RATE_LIMIT_STORE: "nats"' \
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
check "default: no MONGO_URL, AUTH_TOKEN_SECRET or CALLER_SIGNING_KEY value in plain text" \
  bash -c "! grep -Eq '(MONGO_URL|AUTH_TOKEN_SECRET|CALLER_SIGNING_KEY): ' '$work/default.yaml' && ! grep -q 'PRIVATE KEY' '$work/default.yaml'"
check "development: the chart's own Secrets t-auth and t-caller-key, read by their services, pods roll with them" bash -c "
  $(declare -f count has)
  count '$work/dev.yaml' Secret 2 &&
  has '$work/dev.yaml' 'name: t-auth' 'AUTH_TOKEN_SECRET: \"$(printf %s "$dev_token" | base64 -w0)\"' \
    'name: t-caller-key' 'CALLER_SIGNING_KEY: \"$(base64 -w0 <"$work/caller.pem")\"' &&
  [[ \$(grep -c '^                  name: t-auth\$' '$work/dev.yaml') == 2 ]] &&
  [[ \$(grep -c '^                  name: t-caller-key\$' '$work/dev.yaml') == 1 ]] &&
  [[ \$(grep -c 'checksum/auth: ' '$work/dev.yaml') == 2 ]] &&
  [[ \$(grep -c 'checksum/caller-key: ' '$work/dev.yaml') == 1 ]] &&
  ! grep -q '$dev_token' '$work/dev.yaml' && ! grep -q 'BEGIN PRIVATE KEY' '$work/dev.yaml'"
check "default: HPA owns replicas (Deployments have none)" bash -c "! grep -q '^  replicas:' '$work/default.yaml'"
check "scaled: content HPA minimum 3, gateway Ingress" bash -c "
  $(declare -f count has)
  count '$work/scaled.yaml' Ingress 1 &&
  awk '/^kind: HorizontalPodAutoscaler/{h=1} /^---/{h=0} h&&/name: t-content\$/{c=1} h&&c&&/minReplicas:/{print \$2; exit}' '$work/scaled.yaml' | grep -qx 3 &&
  has '$work/scaled.yaml' 'host: \"partybuilding.example.com\"' 'name: http'"
check "autoscaling off: content Deployment replicas 3, no HPA" bash -c "
  $(declare -f count)
  count '$work/fixed.yaml' HorizontalPodAutoscaler 0 && grep -q '^  replicas: 3\$' '$work/fixed.yaml'"
check "all six services: six of each kind, seven NetworkPolicies" bash -c "
  $(declare -f count has)
  for kind in Deployment Service HorizontalPodAutoscaler PodDisruptionBudget ServiceAccount ConfigMap; do
    count '$work/all.yaml' \$kind 6 || exit 1
  done
  count '$work/all.yaml' NetworkPolicy 7 &&
  has '$work/all.yaml' 'LEARNING_GRPC_ADDR: \"0.0.0.0:50053\"' 'FEEDBACK_ADDR: \"t-feedback:50054\"' 'SUPERVISION_ADDR: \"t-supervision:50055\"' 'name: t-supervision-secret'"
check "NetworkPolicies off: none rendered" bash -c "$(declare -f count); count '$work/open.yaml' NetworkPolicy 0"

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
check "NOTES.txt renders, names the Secrets and how to reach the gateway" bash -c "
  $(declare -f has)
  '$HELM_BIN' template pb '$notes_chart' -n party --show-only templates/notes-preview.yaml \
    $(printf '%q ' "${auth_args[@]}") >'$work/notes.yaml' &&
  has '$work/notes.yaml' 'create secret generic pb-content-secret --from-literal=MONGO_URL=' \
    'create secret generic pb-member-secret --from-literal=MONGO_URL=' \
    'create secret generic partybuilding-auth --from-literal=AUTH_TOKEN_SECRET=\$(openssl rand -base64 48)' \
    'create secret generic partybuilding-caller-key --from-file=CALLER_SIGNING_KEY=caller.pem' \
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
auth_only=(--set auth.existingSecret=partybuilding-auth)
refuses "refuses no caller signing key (neither callerKeys.existingSecret nor callerKeys.signingKey)" \
  "CALLER_SIGNING_KEY (read by gateway) needs a Secret: set callerKeys.existingSecret" \
  "${auth_only[@]}" --set-file "callerKeys.verifyKeys=$work/caller.pub"
refuses "refuses both callerKeys.existingSecret and callerKeys.signingKey" "set only one of callerKeys.existingSecret" \
  "${auth_args[@]}" --set-file "callerKeys.signingKey=$work/caller.pem"
refuses "refuses a callerKeys.signingKey that is no Ed25519 private key" "callerKeys.signingKey must be an Ed25519 private key" \
  "${auth_only[@]}" --set-file "callerKeys.signingKey=$work/caller.pub" --set-file "callerKeys.verifyKeys=$work/caller.pub"
refuses "refuses no verify keys" "CALLER_VERIFY_KEYS (read by content, feedback, learning, member, supervision) needs the gateway's public key" \
  "${auth_only[@]}" --set callerKeys.existingSecret=partybuilding-caller-key
refuses "refuses a verify key that is no Ed25519 public key (RSA)" "every key must be an Ed25519 public key" \
  "${auth_only[@]}" --set callerKeys.existingSecret=partybuilding-caller-key --set-file "callerKeys.verifyKeys=$work/rsa.pub"
refuses "refuses CALLER_SIGNING_KEY in plain-text env" "CALLER_SIGNING_KEY in env would be plain text" \
  "${auth_args[@]}" --set-file "services.gateway.env.CALLER_SIGNING_KEY=$work/caller.pem"
refuses "refuses CALLER_VERIFY_KEYS in env (one set of keys for every service)" "not CALLER_VERIFY_KEYS in env" \
  "${auth_args[@]}" --set-file "services.content.env.CALLER_VERIFY_KEYS=$work/next.pub"
refuses "refuses MONGO_URL in plain-text env" "MONGO_URL in env would be plain text" \
  "${auth_args[@]}" --set services.member.env.MONGO_URL=mongodb://mongo:27017/partybuilding-member
refuses "refuses a URL with credentials in global.env" "ELASTICSEARCH_URL carries credentials" \
  "${auth_args[@]}" --set-string global.env.ELASTICSEARCH_URL=https://elastic:s3cret@es:9200
refuses "refuses a URL with credentials in a service's env (a NATS cluster)" "NATS_URL carries credentials" \
  "${auth_args[@]}" --set-string "services.content.env.NATS_URL=nats://a:b@nats-0:4222\,nats://a:b@nats-1:4222"
refuses "refuses a document store user without MONGO_URL in its secretEnv" "MONGO_URL is not in its secretEnv" \
  "${auth_args[@]}" --set "services.member.secretEnv=null"
refuses "refuses a grace period shorter than the preStop sleep and the drain" "must be at least preStopSleepSeconds" \
  "${auth_args[@]}" --set services.gateway.terminationGracePeriodSeconds=20
refuses "refuses lag scaling without keda.enabled" "lagScaling needs KEDA: set keda.enabled=true" \
  "${auth_args[@]}" --set services.content.lagScaling.enabled=true
refuses "refuses lag scaling on a cluster without the KEDA API" "the cluster has no keda.sh/v1alpha1 ScaledObject API" \
  "${auth_args[@]}" --set services.content.lagScaling.enabled=true --set keda.enabled=true
refuses "refuses lag scaling without consumers" "lagScaling.consumers is empty" \
  "${auth_args[@]}" "${all_args[@]}" --set services.learning.lagScaling.enabled=true --set keda.enabled=true \
  --api-versions keda.sh/v1alpha1/ScaledObject
refuses "refuses supervision without the witness's Secret (secretRefs entry without secret)" \
  "services.supervision.secretRefs: each entry needs env, secret and key" \
  "${auth_args[@]}" --set-json 'services.supervision.secretRefs=[{"env":"AUDIT_WITNESS_KEY","key":"AUDIT_WITNESS_KEY"}]'
refuses "refuses a secretRefs entry that names no variable" "services.content.secretRefs: each entry needs env, secret and key" \
  "${auth_args[@]}" --set "services.content.secretRefs[0].secret=other" --set "services.content.secretRefs[0].key=K"
refuses "refuses the same variable from secretEnv and secretRefs" "MONGO_URL is both in secretEnv and in secretRefs" \
  "${auth_args[@]}" --set "services.content.secretRefs[0].env=MONGO_URL" --set "services.content.secretRefs[0].secret=other" \
  --set "services.content.secretRefs[0].key=MONGO_URL"
refuses "refuses a key-looking variable in plain-text env (the audit log's signing key)" \
  "AUDIT_LOG_SIGNING_KEY looks like a secret and would be plain text in a ConfigMap" \
  "${auth_args[@]}" "${all_args[@]}" --set-file "services.supervision.env.AUDIT_LOG_SIGNING_KEY=$work/next.pem"
refuses "refuses a password in plain-text global.env" "SMTP_PASSWORD looks like a secret" \
  "${auth_args[@]}" --set global.env.SMTP_PASSWORD=hunter2

renders=(default scaled fixed all dev keda stores open k124)
if [[ ${SKIP_DECODE:-} == 1 ]]; then
  say "SKIP_DECODE=1: strict decode and the assertions on decoded objects skipped"
else
  install_decoder
  for file in "${renders[@]}"; do
    check "strict decode with the Kubernetes API types ($file)" "$DECODE_BIN" -json "$work/$file.jsonl" <"$work/$file.yaml"
  done
  # Assertions on the decoded objects (NetworkPolicy paths, probes, preStop, ScaledObject, where
  # each secret comes from) against packages/platform's list of services; one line per check.
  if (cd "$repo" && npx --no-install tsx deploy/helm-assert.ts "$work" "$work/caller.pub" "$work/next.pub") >"$work/assert.out" 2>&1; then
    cat "$work/assert.out"
  else
    cat "$work/assert.out"
    failed_asserts=$(grep -c '^FAIL' "$work/assert.out" || true)
    ((failed_asserts > 0)) || { echo 'FAIL  deploy/helm-assert.ts did not run to its end'; failed_asserts=1; }
    failures=$((failures + failed_asserts))
  fi
fi

if ((failures > 0)); then
  say "$failures check(s) failed"
  exit 1
fi
say "all checks passed"
