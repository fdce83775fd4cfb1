// SPDX-License-Identifier: GPL-3.0-or-later

// A step-ca server for Mutual's tests, built from Debian's Go packages only
// (GO111MODULE=off, GOPATH=/usr/share/gocode). It is nothing but smallstep's own
// "start" command mounted as the application's action, so every flag and every
// behaviour is upstream's. Flags must come before the configuration file: urfave/cli
// stops parsing flags at the first positional argument.
package main

import (
	"fmt"
	"os"

	"github.com/smallstep/certificates/commands"
	"github.com/urfave/cli"
)

func main() {
	app := cli.NewApp()
	app.Name = "step-ca"
	app.HelpName = "step-ca"
	app.Usage = "smallstep's online certificate authority, for Mutual's tests"
	app.UsageText = "step-ca [--password-file=FILE] [--quiet] CONFIG"
	app.Version = "0.19 (Debian golang-github-smallstep-certificates-dev)"
	app.Flags = commands.AppCommand.Flags
	app.Action = commands.AppCommand.Action
	app.HideHelp = false

	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "step-ca:", err)
		os.Exit(1)
	}
}
