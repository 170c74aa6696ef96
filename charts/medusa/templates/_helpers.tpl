{{/*
Object names: "<release>-<suffix>", the release name cut so the whole stays within a limit
(63 by default; StatefulSets use 52 so their controller-revision-hash label fits in 63).
Usage: include "medusa.fullname" (list . "server") or (list . "postgres" 52)
*/}}
{{- define "medusa.fullname" -}}
{{- $ctx := index . 0 -}}
{{- $suffix := index . 1 -}}
{{- $max := 63 -}}
{{- if gt (len .) 2 }}{{ $max = index . 2 }}{{ end -}}
{{- $keep := int (sub $max (add1 (len $suffix))) -}}
{{- printf "%s-%s" ($ctx.Release.Name | trunc $keep | trimSuffix "-") $suffix -}}
{{- end -}}

{{- define "medusa.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "medusa.storeId" -}}
{{- required "storeId is required (a DNS-1123 label, 3-40 characters)" .Values.storeId -}}
{{- end -}}

{{- define "medusa.host" -}}
{{- required "host is required (the store's Ingress host)" .Values.host -}}
{{- end -}}

{{- define "medusa.secret" -}}
{{- required "existingSecret is required (the Secret with the store's credentials)" .Values.existingSecret -}}
{{- end -}}

{{/* The Secret holding the store's certificate: ingress.tls.secretName, else "<release>-tls". */}}
{{- define "medusa.tlsSecret" -}}
{{- .Values.ingress.tls.secretName | default (printf "%s-tls" .Release.Name) -}}
{{- end -}}

{{- define "medusa.url" -}}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) (include "medusa.host" .) -}}
{{- end -}}

{{/* The preset of .Values.plan, as YAML; fails on an unknown plan. */}}
{{- define "medusa.preset" -}}
{{- $preset := get .Values.presets (toString .Values.plan) -}}
{{- if not $preset -}}
{{- fail (printf "unknown plan %q: expected one of %s" (toString .Values.plan) (keys .Values.presets | sortAlpha | join ", ")) -}}
{{- end -}}
{{- toYaml $preset -}}
{{- end -}}

{{/* Selector labels. Usage: include "medusa.selectorLabels" (dict "ctx" . "component" "server") */}}
{{- define "medusa.selectorLabels" -}}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Pod template labels: stable across chart versions, so a Job's template never changes under it. */}}
{{- define "medusa.podLabels" -}}
{{ include "medusa.selectorLabels" . }}
app.kubernetes.io/part-of: storefleet
storefleet.io/store-id: {{ include "medusa.storeId" .ctx | quote }}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "medusa.labels" -}}
{{ include "medusa.podLabels" . }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
helm.sh/chart: {{ include "medusa.chart" .ctx }}
{{- end -}}

{{/* An image reference, under imageRegistry when one is set. Usage: include "medusa.image" (list . .Values.<image>) */}}
{{- define "medusa.image" -}}
{{- $image := index . 1 -}}
{{- with (index . 0).Values.imageRegistry -}}{{ trimSuffix "/" . }}/{{- end -}}
{{- printf "%s:%s" $image.repository $image.tag -}}
{{- end -}}

{{/* An env var read from the store Secret. Usage: include "medusa.secretEnv" (list . "NAME" "key") */}}
{{- define "medusa.secretEnv" -}}
- name: {{ index . 1 }}
  valueFrom:
    secretKeyRef:
      name: {{ include "medusa.secret" (index . 0) }}
      key: {{ index . 2 }}
{{- end -}}

{{- define "medusa.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .gid | default .uid }}
fsGroup: {{ .gid | default .uid }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "medusa.containerSecurityContext" -}}
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: [ALL]
{{- end -}}

{{/*
Environment of the Medusa server, shared by the server Deployment and the setup Job (both run
the same image against the same database). DATABASE_URL is assembled by the kubelet from the
Secret's database-password, so the password never appears in values or manifests.
*/}}
{{- define "medusa.serverEnv" -}}
- name: NODE_ENV
  value: production
- name: PORT
  value: {{ .Values.server.port | quote }}
- name: MEDUSA_DISABLE_TELEMETRY
  value: "true"
- name: MEDUSA_WORKER_MODE
  value: {{ .Values.server.workerMode | quote }}
- name: DATABASE_HOST
  value: {{ include "medusa.fullname" (list . "postgres" 52) | quote }}
- name: DATABASE_PORT
  value: "5432"
- name: DATABASE_NAME
  value: {{ .Values.postgres.database | quote }}
- name: DATABASE_USER
  value: {{ .Values.postgres.username | quote }}
{{ include "medusa.secretEnv" (list . "DATABASE_PASSWORD" "database-password") }}
- name: DATABASE_URL
  value: "postgres://$(DATABASE_USER):$(DATABASE_PASSWORD)@$(DATABASE_HOST):$(DATABASE_PORT)/$(DATABASE_NAME)?sslmode=disable"
- name: REDIS_URL
  value: {{ printf "redis://%s:6379" (include "medusa.fullname" (list . "redis")) | quote }}
{{ include "medusa.secretEnv" (list . "JWT_SECRET" "jwt-secret") }}
{{ include "medusa.secretEnv" (list . "COOKIE_SECRET" "cookie-secret") }}
- name: STORE_CORS
  value: {{ include "medusa.url" . | quote }}
- name: ADMIN_CORS
  value: {{ include "medusa.url" . | quote }}
- name: AUTH_CORS
  value: {{ include "medusa.url" . | quote }}
- name: MEDUSA_BACKEND_URL
  value: {{ include "medusa.url" . | quote }}
{{- with .Values.server.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* An init container that waits until a TCP port answers (node is in every Medusa image). */}}
{{- define "medusa.waitFor" -}}
- name: wait-for-{{ .name }}
  image: {{ include "medusa.image" (list .ctx .ctx.Values.server.image) }}
  imagePullPolicy: {{ .ctx.Values.server.image.pullPolicy }}
  command:
    - node
    - -e
    - |
      const net = require("node:net");
      const [host, port] = [process.env.WAIT_HOST, Number(process.env.WAIT_PORT)];
      const attempt = () => {
        const socket = net.connect(port, host);
        let settled = false;
        const retry = () => {
          if (settled) return;
          settled = true;
          socket.destroy();
          setTimeout(attempt, 2000);
        };
        socket.setTimeout(3000, retry);
        socket.on("error", retry);
        socket.on("connect", () => { console.log(`${host}:${port} is up`); process.exit(0); });
      };
      console.log(`waiting for ${host}:${port}`);
      attempt();
  env:
    - name: WAIT_HOST
      value: {{ .host | quote }}
    - name: WAIT_PORT
      value: {{ .port | quote }}
  resources:
    {{- toYaml .ctx.Values.initResources | nindent 4 }}
  securityContext:
    {{- include "medusa.containerSecurityContext" . | nindent 4 }}
{{- end -}}

{{/*
The size of a store volume: the plan's preset when it is created, and the size it has from then on.
A plan change resizes CPU, memory and the quota, never a volume: StatefulSet claim templates are
immutable and Kubernetes cannot shrink a volume. `lookup` finds nothing under `helm template`.
Usage: include "medusa.keptStorage" (list (lookup ... the StatefulSet or PersistentVolumeClaim) $presetSize)
*/}}
{{- define "medusa.keptStorage" -}}
{{- $spec := (index . 0 | default dict).spec | default dict -}}
{{- if $spec.volumeClaimTemplates }}{{ $spec = (first $spec.volumeClaimTemplates).spec }}{{ end -}}
{{- dig "resources" "requests" "storage" (index . 1) $spec -}}
{{- end -}}
