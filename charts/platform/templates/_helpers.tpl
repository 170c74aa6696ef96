{{/*
Object names: "<release>-<suffix>", the release name cut so the whole stays within 63 characters.
Usage: include "platform.fullname" (list . "api")
*/}}
{{- define "platform.fullname" -}}
{{- $ctx := index . 0 -}}
{{- $suffix := index . 1 -}}
{{- $keep := int (sub 63 (add1 (len $suffix))) -}}
{{- printf "%s-%s" ($ctx.Release.Name | trunc $keep | trimSuffix "-") $suffix -}}
{{- end -}}

{{- define "platform.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels. Usage: include "platform.selectorLabels" (dict "ctx" . "component" "api") */}}
{{- define "platform.selectorLabels" -}}
app.kubernetes.io/name: storefleet
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "platform.labels" -}}
{{ include "platform.selectorLabels" . }}
app.kubernetes.io/part-of: storefleet
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
helm.sh/chart: {{ include "platform.chart" .ctx }}
{{- end -}}

{{- define "platform.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) -}}
{{- end -}}

{{- define "platform.workerServiceAccount" -}}
{{- if .Values.worker.serviceAccount.create -}}
{{- .Values.worker.serviceAccount.name | default (include "platform.fullname" (list . "worker")) -}}
{{- else -}}
{{- required "worker.serviceAccount.name is required when worker.serviceAccount.create is false" .Values.worker.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "platform.apiKeysSecret" -}}
{{- .Values.api.auth.existingSecret | default (include "platform.fullname" (list . "api-keys")) -}}
{{- end -}}

{{- define "platform.temporalAddress" -}}
{{- if .Values.temporal.devServer.enabled -}}
{{- printf "%s:7233" (include "platform.fullname" (list . "temporal")) -}}
{{- else -}}
{{- required "temporal.address is required (host:port of the Temporal frontend)" .Values.temporal.address -}}
{{- end -}}
{{- end -}}

{{/* The Temporal settings both processes read, and TLS when enabled. */}}
{{- define "platform.temporalEnv" -}}
- name: TEMPORAL_ADDRESS
  value: {{ include "platform.temporalAddress" . | quote }}
- name: TEMPORAL_NAMESPACE
  value: {{ .Values.temporal.namespace | quote }}
- name: STOREFLEET_TASK_QUEUE
  value: {{ .Values.temporal.taskQueue | quote }}
{{- if .Values.temporal.tls.enabled }}
- name: TEMPORAL_TLS
  value: "true"
{{- if .Values.temporal.tls.caCertificate }}
- name: TEMPORAL_TLS_CA
  value: /etc/storefleet/temporal-tls/ca.crt
{{- end }}
{{- if .Values.temporal.tls.clientCertificate }}
- name: TEMPORAL_TLS_CERT
  value: /etc/storefleet/temporal-tls/tls.crt
- name: TEMPORAL_TLS_KEY
  value: /etc/storefleet/temporal-tls/tls.key
{{- end }}
{{- with .Values.temporal.tls.serverName }}
- name: TEMPORAL_TLS_SERVER_NAME
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "platform.temporalTlsVolume" -}}
{{- if .Values.temporal.tls.enabled }}
- name: temporal-tls
  secret:
    secretName: {{ required "temporal.tls.existingSecret is required when temporal.tls.enabled" .Values.temporal.tls.existingSecret }}
    defaultMode: 0440
{{- end }}
{{- end -}}

{{- define "platform.temporalTlsMount" -}}
{{- if .Values.temporal.tls.enabled }}
- name: temporal-tls
  mountPath: /etc/storefleet/temporal-tls
  readOnly: true
{{- end }}
{{- end -}}

{{/*
The API keys Secret's data when the chart creates it: the keys from values, or else one generated
admin key that an upgrade keeps (read back with lookup; `helm template` has no cluster and makes a new one).
*/}}
{{- define "platform.apiKeysData" -}}
{{- $auth := .Values.api.auth -}}
{{- $pairs := list -}}
{{- range $owner, $key := $auth.apiKeys -}}
{{- if lt (len (toString $key)) 16 }}{{ fail (printf "api.auth.apiKeys.%s: keys must have 16 or more characters" $owner) }}{{ end -}}
{{- $pairs = append $pairs (printf "%s=%s" $owner $key) -}}
{{- end -}}
{{- $admin := $auth.adminKeys | default list -}}
{{- range $admin -}}
{{- if lt (len (toString .)) 16 }}{{ fail "api.auth.adminKeys: keys must have 16 or more characters" }}{{ end -}}
{{- end -}}
{{- if and (empty $pairs) (empty $admin) -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "platform.apiKeysSecret" .) -}}
{{- $previous := "" -}}
{{- if and $existing $existing.data -}}
{{- $previous = index $existing.data "admin-keys" | default "" | b64dec -}}
{{- end -}}
{{- $admin = list ($previous | default (randAlphaNum 40)) -}}
{{- end -}}
api-keys: {{ join "," $pairs | b64enc | quote }}
admin-keys: {{ join "," $admin | b64enc | quote }}
{{- end -}}

{{- define "platform.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end -}}
