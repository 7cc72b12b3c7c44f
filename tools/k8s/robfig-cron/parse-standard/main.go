// Command parse-standard reads one cron schedule per line on standard input and prints, per line,
// "ok" or "error: <why>" as github.com/robfig/cron/v3's ParseStandard answers it: the parser the
// Kubernetes API server validates a CronJob's schedule with (pkg/apis/batch/validation) and the
// CronJob controller schedules by. Its version is the one k8s.io/kubernetes requires
// (tools/k8s/kubernetes/go.mod); the cron-schedule integration test checks they agree.
package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/robfig/cron/v3"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		fmt.Fprintln(out, verdict(in.Text()))
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// verdict is one line's answer; a schedule that makes the parser panic is refused as well.
func verdict(spec string) (answer string) {
	defer func() {
		if r := recover(); r != nil {
			answer = fmt.Sprintf("error: panic: %v", r)
		}
	}()
	if _, err := cron.ParseStandard(spec); err != nil {
		return "error: " + err.Error()
	}
	return "ok"
}
