{{/* Name of every object: <release>-lakemirror, or the release name when it already says lakemirror. */}}
{{- define "lakemirror.fullname" -}}
{{- if contains "lakemirror" .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-lakemirror" .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "lakemirror.labels" -}}
app.kubernetes.io/name: lakemirror
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "lakemirror.selectorLabels" -}}
app.kubernetes.io/name: lakemirror
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The components, one Deployment each: the four workers, or "all". Fails on a bad mode. */}}
{{- define "lakemirror.components" -}}
{{- $mode := .Values.replication.mode | default "workers" -}}
{{- if eq $mode "workers" -}}
sensor validator promoter api
{{- else if eq $mode "all" -}}
all
{{- else -}}
{{- fail (printf "replication.mode must be workers (one Deployment per worker) or all (one Deployment running every component), not %q" $mode) -}}
{{- end -}}
{{- end -}}

{{/* Checks the values lakeFS's block must carry, with messages that say what to set. */}}
{{- define "lakemirror.validate" -}}
{{- $r := .Values.replication -}}
{{- if not (kindIs "map" $r.config) -}}
{{- fail "replication.config must be a map: the service's configuration (docs/configuration.md), with at least region" -}}
{{- end -}}
{{- if not $r.config.region -}}
{{- fail "replication.config.region is required: the region this lakeFS installation runs in, for example \"us-east-1\" (lakeFS's replication values always set it)" -}}
{{- end -}}
{{- end -}}

{{/* The service's YAML: replication.config with the chart's listen addresses. */}}
{{- define "lakemirror.config" -}}
{{- $r := .Values.replication -}}
{{- $config := deepCopy $r.config -}}
{{- $_ := set $config "listen_address" (printf "0.0.0.0:%v" $r.apiPort) -}}
{{- $health := dict -}}
{{- if kindIs "map" $config.health -}}{{- $health = $config.health -}}{{- end -}}
{{- $_ := set $health "listen_address" (printf "0.0.0.0:%v" $r.healthPort) -}}
{{- $_ := set $config "health" $health -}}
{{- toYaml $config -}}
{{- end -}}

{{- define "lakemirror.image" -}}
{{- $image := .Values.replication.image -}}
{{- printf "%s:%s" $image.repository (toString ($image.tag | default .Chart.AppVersion)) -}}
{{- end -}}
