{{/*
Helpers shared by the looping templates. Every template starts with

  {{- range $name, $svc := include "partybuilding.services" . | fromYaml }}
  {{- $ctx := dict "root" $ "name" $name "svc" $svc }}

and passes $ctx to the helpers below.
*/}}

{{/* Prefix of every resource name: the release name unless fullnameOverride is set. */}}
{{- define "partybuilding.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of one service's resources: <fullname>-<service>. */}}
{{- define "partybuilding.name" -}}
{{- printf "%s-%s" (include "partybuilding.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Recursive merge of map .over onto map .base; unlike sprig's merge, false, 0 and "" override too. */}}
{{- define "partybuilding.deepMerge" -}}
{{- $base := deepCopy (.base | default dict) -}}
{{- range $key, $value := .over -}}
{{- $current := index $base $key -}}
{{- if and (kindIs "map" $value) (kindIs "map" $current) -}}
{{- $_ := set $base $key (include "partybuilding.deepMerge" (dict "base" $current "over" $value) | fromYaml) -}}
{{- else -}}
{{- $_ := set $base $key $value -}}
{{- end -}}
{{- end -}}
{{- toYaml $base -}}
{{- end -}}

{{/*
The enabled services as YAML: each entry of .Values.services merged over .Values.serviceDefaults,
checked once here so a mistake fails the render with a message that names the value.
*/}}
{{- define "partybuilding.services" -}}
{{- $enabled := dict -}}
{{- range $name, $raw := .Values.services -}}
{{- if not (kindIs "map" $raw) -}}
{{- fail (printf "services.%s must be a map of settings" $name) -}}
{{- end -}}
{{- $svc := include "partybuilding.deepMerge" (dict "base" $.Values.serviceDefaults "over" $raw) | fromYaml -}}
{{- if $svc.enabled -}}
{{- $_ := set $enabled $name $svc -}}
{{- end -}}
{{- end -}}
{{- range $name, $svc := $enabled -}}
{{- if not (regexMatch "^[a-z]([a-z0-9-]*[a-z0-9])?$" $name) -}}
{{- fail (printf "services.%s: a service name must be a DNS label (lower case letters, digits, dashes)" $name) -}}
{{- end -}}
{{- if not (has $svc.protocol (list "grpc" "http")) -}}
{{- fail (printf "services.%s.protocol must be grpc or http, not %v" $name $svc.protocol) -}}
{{- end -}}
{{- if not $svc.image.repository -}}
{{- fail (printf "services.%s.image.repository is empty" $name) -}}
{{- end -}}
{{- if or (lt (int $svc.replicas) 1) (lt (int $svc.port) 1) (gt (int $svc.port) 65535) -}}
{{- fail (printf "services.%s: replicas must be 1 or more and port between 1 and 65535" $name) -}}
{{- end -}}
{{- if $svc.autoscaling.enabled -}}
{{- $min := int (default $svc.replicas $svc.autoscaling.minReplicas) -}}
{{- if gt $min (int $svc.autoscaling.maxReplicas) -}}
{{- fail (printf "services.%s: autoscaling.maxReplicas (%v) is below the minimum (%v, from replicas or autoscaling.minReplicas)" $name $svc.autoscaling.maxReplicas $min) -}}
{{- end -}}
{{- end -}}
{{- range $callee := $svc.calls -}}
{{- $target := index $enabled $callee -}}
{{- if not $target -}}
{{- fail (printf "services.%s.calls names %q, which is not an enabled service" $name $callee) -}}
{{- end -}}
{{- if ne $target.protocol "grpc" -}}
{{- fail (printf "services.%s.calls names %q, which does not serve gRPC" $name $callee) -}}
{{- end -}}
{{- end -}}
{{- if and $svc.ingress.enabled (ne $svc.protocol "http") -}}
{{- fail (printf "services.%s.ingress: only http services can have an Ingress" $name) -}}
{{- end -}}
{{- $plain := merge (dict) ($svc.env | default dict) ($.Values.global.env | default dict) -}}
{{- if hasKey $plain "AUTH_TOKEN_SECRET" -}}
{{- fail (printf "services.%s: AUTH_TOKEN_SECRET in env would be plain text in a ConfigMap; set authTokenSecret: true and auth.existingSecret instead" $name) -}}
{{- end -}}
{{- if hasKey $plain "CALLER_SIGNING_KEY" -}}
{{- fail (printf "services.%s: CALLER_SIGNING_KEY in env would be plain text in a ConfigMap; set callerKeys.existingSecret (the chart passes it to the services with signsCallers: true)" $name) -}}
{{- end -}}
{{- if hasKey $plain "CALLER_VERIFY_KEYS" -}}
{{- fail (printf "services.%s: set the public keys in callerKeys.verifyKeys, not CALLER_VERIFY_KEYS in env (every service must trust the same keys)" $name) -}}
{{- end -}}
{{- if hasKey $plain "MONGO_URL" -}}
{{- fail (printf "services.%s: MONGO_URL in env would be plain text in a ConfigMap; it is the key MONGO_URL of the service's Secret (secretEnv)" $name) -}}
{{- end -}}
{{- range $key, $value := $plain -}}
{{- if and (regexMatch "(_KEY|_SECRET|_PASSWORD|_TOKEN)$" $key) (toString $value) -}}
{{- fail (printf "services.%s: %s looks like a secret and would be plain text in a ConfigMap; list it in secretEnv (the service's Secret) or secretRefs (another Secret)" $name $key) -}}
{{- end -}}
{{- if regexMatch "[A-Za-z][A-Za-z0-9+.-]*://[^/@\\s]*:[^/@\\s]*@" (toString $value) -}}
{{- fail (printf "services.%s: %s carries credentials (user:password@) and would be plain text in a ConfigMap; put the URL in a Secret (stores.nats.existingSecret, stores.elasticsearch.existingSecret, or the service's Secret and secretEnv)" $name $key) -}}
{{- end -}}
{{- end -}}
{{- if and $svc.documentStore (not (has "MONGO_URL" $svc.secretEnv)) -}}
{{- fail (printf "services.%s uses the document store (documentStore: true) but MONGO_URL is not in its secretEnv: the connection string carries credentials and comes from the service's Secret" $name) -}}
{{- end -}}
{{- if lt (int $svc.terminationGracePeriodSeconds) (add (int $svc.preStopSleepSeconds) 15) -}}
{{- fail (printf "services.%s: terminationGracePeriodSeconds (%v) must be at least preStopSleepSeconds (%v) + 15, or SIGKILL cuts the drain" $name $svc.terminationGracePeriodSeconds $svc.preStopSleepSeconds) -}}
{{- end -}}
{{- if $svc.lagScaling.enabled -}}
{{- if not $.Values.keda.enabled -}}
{{- fail (printf "services.%s.lagScaling needs KEDA: set keda.enabled=true once KEDA is installed in the cluster" $name) -}}
{{- end -}}
{{- if not ($.Capabilities.APIVersions.Has "keda.sh/v1alpha1/ScaledObject") -}}
{{- fail (printf "services.%s.lagScaling: the cluster has no keda.sh/v1alpha1 ScaledObject API; install KEDA first (helm template: --api-versions keda.sh/v1alpha1/ScaledObject)" $name) -}}
{{- end -}}
{{- if not $svc.lagScaling.consumers -}}
{{- fail (printf "services.%s.lagScaling.consumers is empty: name the durable consumers whose lag scales it ({domain, durable})" $name) -}}
{{- end -}}
{{- range $consumer := $svc.lagScaling.consumers -}}
{{- if not (and (kindIs "map" $consumer) $consumer.domain $consumer.durable) -}}
{{- fail (printf "services.%s.lagScaling.consumers: each entry needs domain and durable, e.g. {domain: content, durable: content-indexer}" $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $ref := $svc.secretRefs -}}
{{- if not (and (kindIs "map" $ref) $ref.env $ref.secret $ref.key) -}}
{{- fail (printf "services.%s.secretRefs: each entry needs env, secret and key (got %s); a key held in another Secret, e.g. {env: AUDIT_WITNESS_KEY, secret: partybuilding-witness, key: AUDIT_WITNESS_KEY}" $name (toJson $ref)) -}}
{{- end -}}
{{- if not (regexMatch "^[A-Za-z_][A-Za-z0-9_]*$" (toString $ref.env)) -}}
{{- fail (printf "services.%s.secretRefs: %q is not an environment variable name" $name $ref.env) -}}
{{- end -}}
{{- if has $ref.env $svc.secretEnv -}}
{{- fail (printf "services.%s: %s is both in secretEnv and in secretRefs; read it from one Secret" $name $ref.env) -}}
{{- end -}}
{{- end -}}
{{- range $key := $svc.secretEnv -}}
{{- if not (regexMatch "^[A-Za-z_][A-Za-z0-9_]*$" $key) -}}
{{- fail (printf "services.%s.secretEnv: %q is not an environment variable name" $name $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- include "partybuilding.checkAuth" (dict "root" $ "services" $enabled) -}}
{{- include "partybuilding.checkCallerKeys" (dict "root" $ "services" $enabled) -}}
{{- toYaml $enabled -}}
{{- end -}}

{{/*
Fails the render unless the services that read AUTH_TOKEN_SECRET (authTokenSecret: true) have a
Secret to read it from: auth.existingSecret (production) or auth.tokenSecret (development only).
Usage: dict "root" $ "services" <enabled services>
*/}}
{{- define "partybuilding.checkAuth" -}}
{{- $readers := list -}}
{{- range $name, $svc := .services -}}
{{- if $svc.authTokenSecret -}}
{{- $readers = append $readers $name -}}
{{- end -}}
{{- end -}}
{{- $auth := .root.Values.auth | default dict -}}
{{- $existing := toString ($auth.existingSecret | default "") -}}
{{- $token := toString ($auth.tokenSecret | default "") -}}
{{- if and $existing $token -}}
{{- fail "auth: set only one of auth.existingSecret (a Secret you created) and auth.tokenSecret (the chart creates the Secret, development clusters only)" -}}
{{- end -}}
{{- if and $readers (not $existing) (not $token) -}}
{{- fail (printf "auth: AUTH_TOKEN_SECRET (read by %s) needs a Secret: set auth.existingSecret to the name of a Secret with the key AUTH_TOKEN_SECRET (production: kubectl create secret generic partybuilding-auth --from-literal=AUTH_TOKEN_SECRET=$(openssl rand -base64 48)), or auth.tokenSecret to a random string of 32+ characters to have the chart create one (development clusters only)" (join ", " $readers)) -}}
{{- end -}}
{{- if and $token (lt (len $token) 32) -}}
{{- fail (printf "auth.tokenSecret must be at least 32 characters (it has %d); e.g. --set-string auth.tokenSecret=$(openssl rand -hex 32)" (len $token)) -}}
{{- end -}}
{{- end -}}

{{/*
Fails the render unless the services that sign caller assertions (signsCallers: true) have a
Secret with CALLER_SIGNING_KEY and the services that verify them (verifiesCallers: true) have
public keys to trust. An Ed25519 key is recognised by its DER prefix in base64: PKCS#8 private
keys start with MC4CAQAwBQYDK2VwBCIEI, SubjectPublicKeyInfo public keys with MCowBQYDK2VwAyEA.
Usage: dict "root" $ "services" <enabled services>
*/}}
{{- define "partybuilding.checkCallerKeys" -}}
{{- $signers := list -}}
{{- $verifiers := list -}}
{{- range $name, $svc := .services -}}
{{- if $svc.signsCallers -}}
{{- $signers = append $signers $name -}}
{{- end -}}
{{- if $svc.verifiesCallers -}}
{{- $verifiers = append $verifiers $name -}}
{{- end -}}
{{- end -}}
{{- $keys := .root.Values.callerKeys | default dict -}}
{{- $existing := toString ($keys.existingSecret | default "") -}}
{{- $private := toString ($keys.signingKey | default "") -}}
{{- if and $existing $private -}}
{{- fail "callerKeys: set only one of callerKeys.existingSecret (a Secret you created) and callerKeys.signingKey (the chart creates the Secret, development clusters only)" -}}
{{- end -}}
{{- if and $signers (not $existing) (not $private) -}}
{{- fail (printf "callerKeys: CALLER_SIGNING_KEY (read by %s) needs a Secret: set callerKeys.existingSecret to the name of a Secret with the key CALLER_SIGNING_KEY (production: openssl genpkey -algorithm ed25519 -out caller.pem && kubectl create secret generic partybuilding-caller-key --from-file=CALLER_SIGNING_KEY=caller.pem), or callerKeys.signingKey to the PEM to have the chart create one (development clusters only: --set-file callerKeys.signingKey=caller.pem)" (join ", " $signers)) -}}
{{- end -}}
{{- if $private -}}
{{- $body := regexReplaceAll "\\s" (regexReplaceAll "-----[A-Z ]+-----" $private "") "" -}}
{{- if not (and (contains "-----BEGIN PRIVATE KEY-----" $private) (hasPrefix "MC4CAQAwBQYDK2VwBCIEI" $body)) -}}
{{- fail "callerKeys.signingKey must be an Ed25519 private key in PEM (-----BEGIN PRIVATE KEY-----), e.g. from openssl genpkey -algorithm ed25519" -}}
{{- end -}}
{{- end -}}
{{- $public := toString ($keys.verifyKeys | default "") -}}
{{- $blocks := regexFindAll "-----BEGIN PUBLIC KEY-----[^-]*-----END PUBLIC KEY-----" $public -1 -}}
{{- if and $verifiers (not $blocks) -}}
{{- fail (printf "callerKeys.verifyKeys: CALLER_VERIFY_KEYS (read by %s) needs the gateway's public key in PEM (openssl pkey -in caller.pem -pubout; --set-file callerKeys.verifyKeys=caller.pub); while keys rotate, the old and the new one" (join ", " $verifiers)) -}}
{{- end -}}
{{- range $block := $blocks -}}
{{- $body := regexReplaceAll "\\s" (regexReplaceAll "-----[A-Z ]+-----" $block "") "" -}}
{{- if not (hasPrefix "MCowBQYDK2VwAyEA" $body) -}}
{{- fail "callerKeys.verifyKeys: every key must be an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----, from openssl pkey -pubout)" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of the Secret holding CALLER_SIGNING_KEY: callerKeys.existingSecret, else the chart's <fullname>-caller-key. */}}
{{- define "partybuilding.callerKeySecretName" -}}
{{- $keys := .Values.callerKeys | default dict -}}
{{- if $keys.existingSecret -}}
{{- toString $keys.existingSecret -}}
{{- else -}}
{{- printf "%s-caller-key" (include "partybuilding.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* The chart's own Secret with CALLER_SIGNING_KEY from callerKeys.signingKey (development clusters only). */}}
{{- define "partybuilding.callerKeySecret" -}}
# Development only: CALLER_SIGNING_KEY from callerKeys.signingKey. In production set callerKeys.existingSecret.
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "partybuilding.callerKeySecretName" . }}
  labels:
    {{- include "partybuilding.labels" (dict "root" . "name" "caller-key" "svc" (dict "image" (dict))) | nindent 4 }}
type: Opaque
data:
  CALLER_SIGNING_KEY: {{ toString .Values.callerKeys.signingKey | b64enc | quote }}
{{- end -}}

{{/* Name of the Secret holding AUTH_TOKEN_SECRET: auth.existingSecret, else the chart's <fullname>-auth. */}}
{{- define "partybuilding.authSecretName" -}}
{{- $auth := .Values.auth | default dict -}}
{{- if $auth.existingSecret -}}
{{- toString $auth.existingSecret -}}
{{- else -}}
{{- printf "%s-auth" (include "partybuilding.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* <NAME> of environment variables for a service name: content -> CONTENT, foo-bar -> FOO_BAR. */}}
{{- define "partybuilding.envPrefix" -}}
{{- . | upper | replace "-" "_" -}}
{{- end -}}

{{/* A value as an environment string; whole numbers without exponent (1e+06 -> 1000000). */}}
{{- define "partybuilding.envString" -}}
{{- if and (kindIs "float64" .) (eq (float64 (int64 .)) .) -}}
{{- int64 . -}}
{{- else -}}
{{- toString . -}}
{{- end -}}
{{- end -}}

{{/*
Non-secret environment of one service, as YAML: global.env, then the computed values (where to
listen, where each called service is, OTEL_SERVICE_NAME), then the service's env. Empty values
are left out so the process applies its own default.
*/}}
{{- define "partybuilding.env" -}}
{{- $root := .root -}}
{{- $svc := .svc -}}
{{- $env := dict -}}
{{- range $key, $value := $root.Values.global.env -}}
{{- $_ := set $env $key $value -}}
{{- end -}}
{{- $prefix := include "partybuilding.envPrefix" .name -}}
{{- if eq $svc.protocol "grpc" -}}
{{- $_ := set $env (printf "%s_GRPC_ADDR" $prefix) (printf "0.0.0.0:%v" $svc.port) -}}
{{- else -}}
{{- $_ := set $env (printf "%s_HOST" $prefix) "0.0.0.0" -}}
{{- $_ := set $env (printf "%s_PORT" $prefix) $svc.port -}}
{{- end -}}
{{- $services := include "partybuilding.services" $root | fromYaml -}}
{{- range $callee := $svc.calls -}}
{{- $target := index $services $callee -}}
{{- $address := printf "%s:%v" (include "partybuilding.name" (dict "root" $root "name" $callee)) $target.port -}}
{{- $_ := set $env (printf "%s_ADDR" (include "partybuilding.envPrefix" $callee)) $address -}}
{{- end -}}
{{- $_ := set $env "OTEL_SERVICE_NAME" .name -}}
{{- $stores := $root.Values.stores -}}
{{- if not $stores.nats.existingSecret -}}
{{- $_ := set $env "NATS_URL" $stores.nats.url -}}
{{- end -}}
{{- if and $svc.search (not $stores.elasticsearch.existingSecret) -}}
{{- $_ := set $env "ELASTICSEARCH_URL" $stores.elasticsearch.url -}}
{{- end -}}
{{- if $svc.verifiesCallers -}}
{{- $_ := set $env "CALLER_VERIFY_KEYS" (trim (toString $root.Values.callerKeys.verifyKeys)) -}}
{{- end -}}
{{- if $stores.tls.caSecret -}}
{{- $_ := set $env "NODE_EXTRA_CA_CERTS" (printf "/etc/partybuilding/ca/%s" $stores.tls.caKey) -}}
{{- end -}}
{{- range $key, $value := $svc.env -}}
{{- $_ := set $env $key $value -}}
{{- end -}}
{{- range $key, $value := $env }}
{{- if not (or (kindIs "invalid" $value) (eq (toString $value) "")) }}
{{ $key }}: {{ include "partybuilding.envString" $value | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Selector labels of one service. */}}
{{- define "partybuilding.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* Labels of every resource of one service. */}}
{{- define "partybuilding.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "partybuilding.selectorLabels" . }}
app.kubernetes.io/part-of: {{ .root.Chart.Name }}
app.kubernetes.io/version: {{ include "partybuilding.tag" . | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end -}}

{{/* Image tag of one service. */}}
{{- define "partybuilding.tag" -}}
{{- .svc.image.tag | default .root.Values.global.image.tag | default .root.Chart.AppVersion | toString -}}
{{- end -}}

{{/* Full image reference of one service. */}}
{{- define "partybuilding.image" -}}
{{- $registry := .root.Values.global.image.registry | trimSuffix "/" -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" $registry .svc.image.repository (include "partybuilding.tag" .) -}}
{{- else -}}
{{- printf "%s:%s" .svc.image.repository (include "partybuilding.tag" .) -}}
{{- end -}}
{{- end -}}

{{/* ServiceAccount of one service. */}}
{{- define "partybuilding.serviceAccountName" -}}
{{- if .svc.serviceAccount.create -}}
{{- default (include "partybuilding.name" .) .svc.serviceAccount.name -}}
{{- else -}}
{{- default "default" .svc.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Secret holding one service's secretEnv keys. */}}
{{- define "partybuilding.secretName" -}}
{{- default (printf "%s-secret" (include "partybuilding.name" .)) .svc.existingSecret -}}
{{- end -}}

{{/* A probe from values; a grpc probe without a port gets the service's port. Usage: dict "probe" p "port" n */}}
{{- define "partybuilding.probe" -}}
{{- $probe := deepCopy .probe -}}
{{- if hasKey $probe "grpc" -}}
{{- $grpc := deepCopy ($probe.grpc | default dict) -}}
{{- if not $grpc.port -}}
{{- $_ := set $grpc "port" .port -}}
{{- end -}}
{{- if not $grpc.service -}}
{{- $_ := unset $grpc "service" -}}
{{- end -}}
{{- $_ := set $probe "grpc" $grpc -}}
{{- end -}}
{{- toYaml $probe -}}
{{- end -}}

{{/* The chart's own Secret with AUTH_TOKEN_SECRET from auth.tokenSecret (development clusters only). */}}
{{- define "partybuilding.authSecret" -}}
# Development only: AUTH_TOKEN_SECRET from auth.tokenSecret. In production set auth.existingSecret.
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "partybuilding.authSecretName" . }}
  labels:
    {{- include "partybuilding.labels" (dict "root" . "name" "auth" "svc" (dict "image" (dict))) | nindent 4 }}
type: Opaque
data:
  AUTH_TOKEN_SECRET: {{ toString .Values.auth.tokenSecret | b64enc | quote }}
{{- end -}}
