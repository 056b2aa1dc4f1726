{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "bastio.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Resource name prefix; names below add at most 9 characters, so this stops at 54. */}}
{{- define "bastio.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 54 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 54 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 54 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "bastio.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every resource; call with (dict "ctx" $ "component" "gateway"). */}}
{{- define "bastio.labels" -}}
helm.sh/chart: {{ include "bastio.chart" .ctx }}
{{ include "bastio.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: bastio
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "bastio.selectorLabels" -}}
app.kubernetes.io/name: {{ include "bastio.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end }}

{{- define "bastio.operator.serviceAccountName" -}}
{{- printf "%s-operator" (include "bastio.fullname" .) }}
{{- end }}

{{- define "bastio.gateway.serviceAccountName" -}}
{{- printf "%s-gateway" (include "bastio.fullname" .) }}
{{- end }}

{{- define "bastio.rotator.serviceAccountName" -}}
{{- printf "%s-rotator" (include "bastio.fullname" .) }}
{{- end }}

{{/* Image reference; call with (dict "ctx" $ "image" .Values.operator.image). A digest wins over a tag. */}}
{{- define "bastio.image" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (default .ctx.Chart.AppVersion .image.tag) }}
{{- end }}
{{- end }}

{{- define "bastio.operator.leaderElect" -}}
{{- if or .Values.operator.leaderElection.enabled (gt (int .Values.operator.replicas) 1) }}true{{ end }}
{{- end }}

{{/* The URL the operator writes into delivery Secrets: the gateway Service unless overridden. */}}
{{- define "bastio.gatewayUrl" -}}
{{- if .Values.operator.gatewayUrl }}
{{- .Values.operator.gatewayUrl }}
{{- else if .Values.gateway.tls.enabled }}
{{- printf "https://%s-gateway.%s.svc:%d" (include "bastio.fullname" .) .Release.Namespace (int .Values.gateway.service.tlsPort) }}
{{- else }}
{{- printf "http://%s-gateway.%s.svc:%d" (include "bastio.fullname" .) .Release.Namespace (int .Values.gateway.service.port) }}
{{- end }}
{{- end }}

{{/* The three custom resource kinds, for RBAC rules. */}}
{{- define "bastio.resources" -}}
- apikeys
- providerkeys
- proxies
{{- end }}

{{/* Volumes every component mounts: .NET writes diagnostics sockets and temp files under /tmp,
     which the read-only root filesystem would otherwise refuse. */}}
{{- define "bastio.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end }}

{{- define "bastio.tmpVolume" -}}
- name: tmp
  emptyDir:
    medium: Memory
    sizeLimit: 64Mi
{{- end }}

{{/* Upstream rules shared by the gateway and the operator (provider key validation): the same flags for both. */}}
{{- define "bastio.upstream.caFile" -}}
{{- with .Values.upstream.caBundle }}
{{- if and .configMapName .secretName }}
{{- fail "upstream.caBundle: set configMapName or secretName, not both" }}
{{- end }}
{{- if or .configMapName .secretName }}/etc/bastio/upstream-ca/{{ .key }}{{ end }}
{{- end }}
{{- end }}

{{- define "bastio.upstream.args" -}}
{{- with .Values.upstream.allowCidrs }}
- --upstream-allow-cidrs={{ join "," . }}
{{- end }}
{{- with include "bastio.upstream.caFile" . }}
- --upstream-ca-file={{ . }}
{{- end }}
{{- end }}

{{- define "bastio.upstream.volumeMount" -}}
{{- if include "bastio.upstream.caFile" . }}
- name: upstream-ca
  mountPath: /etc/bastio/upstream-ca
  readOnly: true
{{- end }}
{{- end }}

{{/*
The gateway's rate-limit store flags. Fails the render when several replicas would each keep their own
counters without the user having accepted per-replica limits.
*/}}
{{- define "bastio.gateway.storeArgs" -}}
{{- $store := .Values.gateway.rateLimitStore -}}
{{- if not (has $store.type (list "inProcess" "redis")) -}}
{{- fail (printf "gateway.rateLimitStore.type must be inProcess or redis, not %q" $store.type) -}}
{{- end -}}
{{- if not (has $store.failureMode (list "local" "deny")) -}}
{{- fail (printf "gateway.rateLimitStore.failureMode must be local or deny, not %q" $store.failureMode) -}}
{{- end -}}
{{- $several := or .Values.gateway.autoscaling.enabled (gt (int .Values.gateway.replicas) 1) -}}
{{- if and (eq $store.type "inProcess") $several (not $store.acceptPerReplicaLimits) -}}
{{- fail "gateway: more than one replica (or autoscaling) with gateway.rateLimitStore.type=inProcess would make every rate limit, token limit and budget per replica (N replicas admit up to N times a limit). Set gateway.rateLimitStore.type=redis to share them, or gateway.rateLimitStore.acceptPerReplicaLimits=true to accept per-replica limits, or gateway.replicas=1." -}}
{{- end -}}
{{- if eq $store.type "redis" }}
- --redis={{ include "bastio.redis.address" . }}
- --store-timeout={{ $store.timeout }}
- --store-failure={{ $store.failureMode }}
{{- if $store.redis.passwordSecret.name }}
- --redis-password-file=/etc/bastio/redis/password
{{- end }}
{{- if $store.redis.caSecret }}
- --redis-ca-file=/etc/bastio/redis-ca/ca.crt
{{- end }}
{{- end }}
{{- end }}

{{- define "bastio.redis.address" -}}
{{- $redis := .Values.gateway.rateLimitStore.redis -}}
{{- if $redis.address -}}
{{ $redis.address }}
{{- else -}}
{{ include "bastio.fullname" . }}-redis:6379
{{- end -}}
{{- end }}

{{- define "bastio.gateway.storeVolumeMounts" -}}
{{- $store := .Values.gateway.rateLimitStore -}}
{{- if and (eq $store.type "redis") $store.redis.passwordSecret.name }}
- name: redis-password
  mountPath: /etc/bastio/redis
  readOnly: true
{{- end }}
{{- if and (eq $store.type "redis") $store.redis.caSecret }}
- name: redis-ca
  mountPath: /etc/bastio/redis-ca
  readOnly: true
{{- end }}
{{- end }}

{{- define "bastio.upstream.volume" -}}
{{- if include "bastio.upstream.caFile" . }}
- name: upstream-ca
  {{- with .Values.upstream.caBundle }}
  {{- if .configMapName }}
  configMap:
    name: {{ .configMapName }}
  {{- else }}
  secret:
    secretName: {{ .secretName }}
  {{- end }}
  {{- end }}
{{- end }}
{{- end }}

{{- define "bastio.gateway.storeVolumes" -}}
{{- $store := .Values.gateway.rateLimitStore -}}
{{- if and (eq $store.type "redis") $store.redis.passwordSecret.name }}
- name: redis-password
  secret:
    secretName: {{ $store.redis.passwordSecret.name }}
    items:
      - key: {{ $store.redis.passwordSecret.key }}
        path: password
{{- end }}
{{- if and (eq $store.type "redis") $store.redis.caSecret }}
- name: redis-ca
  secret:
    secretName: {{ $store.redis.caSecret }}
    items:
      - key: ca.crt
        path: ca.crt
{{- end }}
{{- end }}
