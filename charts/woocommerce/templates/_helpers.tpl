{{/*
Object names: "<release>-<suffix>", the release name cut so the whole stays within a limit
(63 by default; StatefulSets use 52 so their controller-revision-hash label fits in 63).
Usage: include "woocommerce.fullname" (list . "wordpress") or (list . "mariadb" 52)
*/}}
{{- define "woocommerce.fullname" -}}
{{- $ctx := index . 0 -}}
{{- $suffix := index . 1 -}}
{{- $max := 63 -}}
{{- if gt (len .) 2 }}{{ $max = index . 2 }}{{ end -}}
{{- $keep := int (sub $max (add1 (len $suffix))) -}}
{{- printf "%s-%s" ($ctx.Release.Name | trunc $keep | trimSuffix "-") $suffix -}}
{{- end -}}

{{- define "woocommerce.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "woocommerce.storeId" -}}
{{- required "storeId is required (a DNS-1123 label, 3-40 characters)" .Values.storeId -}}
{{- end -}}

{{- define "woocommerce.host" -}}
{{- required "host is required (the store's Ingress host)" .Values.host -}}
{{- end -}}

{{- define "woocommerce.secret" -}}
{{- required "existingSecret is required (the Secret with the store's credentials)" .Values.existingSecret -}}
{{- end -}}

{{/* The Secret holding the store's certificate: ingress.tls.secretName, else "<release>-tls". */}}
{{- define "woocommerce.tlsSecret" -}}
{{- .Values.ingress.tls.secretName | default (printf "%s-tls" .Release.Name) -}}
{{- end -}}

{{- define "woocommerce.url" -}}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) (include "woocommerce.host" .) -}}
{{- end -}}

{{/* The preset of .Values.plan, as YAML; fails on an unknown plan. */}}
{{- define "woocommerce.preset" -}}
{{- $preset := get .Values.presets (toString .Values.plan) -}}
{{- if not $preset -}}
{{- fail (printf "unknown plan %q: expected one of %s" (toString .Values.plan) (keys .Values.presets | sortAlpha | join ", ")) -}}
{{- end -}}
{{- toYaml $preset -}}
{{- end -}}

{{/* Selector labels. Usage: include "woocommerce.selectorLabels" (dict "ctx" . "component" "wordpress") */}}
{{- define "woocommerce.selectorLabels" -}}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Pod template labels: stable across chart versions, so a Job's template never changes under it. */}}
{{- define "woocommerce.podLabels" -}}
{{ include "woocommerce.selectorLabels" . }}
app.kubernetes.io/part-of: storefleet
storefleet.io/store-id: {{ include "woocommerce.storeId" .ctx | quote }}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "woocommerce.labels" -}}
{{ include "woocommerce.podLabels" . }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
helm.sh/chart: {{ include "woocommerce.chart" .ctx }}
{{- end -}}

{{/* An image reference, under imageRegistry when one is set. Usage: include "woocommerce.image" (list . .Values.<image>) */}}
{{- define "woocommerce.image" -}}
{{- $image := index . 1 -}}
{{- with (index . 0).Values.imageRegistry -}}{{ trimSuffix "/" . }}/{{- end -}}
{{- printf "%s:%s" $image.repository $image.tag -}}
{{- end -}}

{{/* An env var read from the store Secret. Usage: include "woocommerce.secretEnv" (list . "NAME" "key") */}}
{{- define "woocommerce.secretEnv" -}}
- name: {{ index . 1 }}
  valueFrom:
    secretKeyRef:
      name: {{ include "woocommerce.secret" (index . 0) }}
      key: {{ index . 2 }}
{{- end -}}

{{- define "woocommerce.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "woocommerce.containerSecurityContext" -}}
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: [ALL]
{{- end -}}

{{/*
The environment WordPress reads (wp-config-docker.php of the official image); shared by the
WordPress pod and the setup Job so both talk to the same database with the same keys. The keys
and salts derive from the Secret's cookie-secret, so sessions survive pod restarts.
*/}}
{{- define "woocommerce.wordpressEnv" -}}
- name: WORDPRESS_DB_HOST
  value: {{ include "woocommerce.fullname" (list . "mariadb" 52) | quote }}
- name: WORDPRESS_DB_NAME
  value: {{ .Values.mariadb.database | quote }}
- name: WORDPRESS_DB_USER
  value: {{ .Values.mariadb.username | quote }}
{{ include "woocommerce.secretEnv" (list . "WORDPRESS_DB_PASSWORD" "database-password") }}
- name: WORDPRESS_TABLE_PREFIX
  value: {{ .Values.wordpress.tablePrefix | quote }}
{{ include "woocommerce.secretEnv" (list . "STOREFLEET_KEY_SEED" "cookie-secret") }}
{{- range list "AUTH_KEY" "SECURE_AUTH_KEY" "LOGGED_IN_KEY" "NONCE_KEY" "AUTH_SALT" "SECURE_AUTH_SALT" "LOGGED_IN_SALT" "NONCE_SALT" }}
- name: WORDPRESS_{{ . }}
  value: "$(STOREFLEET_KEY_SEED)-{{ . | lower }}"
{{- end }}
- name: WORDPRESS_CONFIG_EXTRA
  value: |
    define('WP_HOME', '{{ include "woocommerce.url" . }}');
    define('WP_SITEURL', '{{ include "woocommerce.url" . }}');
    define('WP_AUTO_UPDATE_CORE', false);
    define('FS_METHOD', 'direct');
{{- end -}}

{{/*
The size of a store volume: the plan's preset when it is created, and the size it has from then on.
A plan change resizes CPU, memory and the quota, never a volume: StatefulSet claim templates are
immutable and Kubernetes cannot shrink a volume. `lookup` finds nothing under `helm template`.
Usage: include "woocommerce.keptStorage" (list (lookup ... the StatefulSet or PersistentVolumeClaim) $presetSize)
*/}}
{{- define "woocommerce.keptStorage" -}}
{{- $spec := (index . 0 | default dict).spec | default dict -}}
{{- if $spec.volumeClaimTemplates }}{{ $spec = (first $spec.volumeClaimTemplates).spec }}{{ end -}}
{{- dig "resources" "requests" "storage" (index . 1) $spec -}}
{{- end -}}
