//go:build tools

// Package tools pins the Kubernetes node commands that local mode runs. A module of its own, beside
// ../kube, so the control plane's pins (and its cached build) stay as they are.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
