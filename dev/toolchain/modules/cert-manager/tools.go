//go:build tools

// Package tools pins cert-manager's controller, which the tests run against the simulated cluster so
// store certificates are issued for real. v1.11 is the last release whose controller command is a
// package of the root module (later ones are modules of their own, which the module proxy does not
// serve); its one replace directive is repeated in go.mod.
package tools

import _ "github.com/cert-manager/cert-manager/cmd/controller"
