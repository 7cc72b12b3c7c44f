// Command etcd is etcd's own server entry point (go.etcd.io/etcd/v3's main.go calls the same
// function); it lives here so that etcd is built at the version Kubernetes 1.32 requires
// (go.etcd.io/etcd/server/v3 in k8s.io/kubernetes's go.mod) from this module's go.sum.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
