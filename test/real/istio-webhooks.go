// istio-webhooks serves a cluster's Istio admission webhooks — sidecar injection and config validation — from
// outside the cluster, with Istio's own code: the handlers are the ones istiod mounts on its webhook port
// (pkg/kube/inject.NewWebhook and pkg/webhooks/validation/server.New, wired as pilot/pkg/bootstrap does). Each
// revision's injector reads that revision's injection templates (ConfigMap istio-sidecar-injector-<rev>) and
// mesh config (ConfigMap istio-<rev>) that its istiod chart installed, so two revisions side by side (a canary
// upgrade) each inject their own proxies.
//
// Why not pilot-discovery itself: istiod's binary links a module the Go module proxy here does not serve, and
// the local clusters have no container runtime, so istiod's pod never runs. Istio's external-control-plane
// topology is what this stands for: the istiod chart points its webhooks at a URL
// (`istiodRemote.injectionURL`, `base.validationURL`, with `...CABundle`) instead of the in-cluster Service.
//
//	istio-webhooks --kubeconfig FILE --listen 127.0.0.1:15017 --cert C --key K
//
// Paths: /<revision>/inject (and /<revision>/inject/...), /<revision>/validate and /validate, /ready. Serves
// TLS with the given certificate (its SANs must cover the URL's host). A revision whose ConfigMaps do not
// exist yet gets 503 on /inject, as an istiod that is not ready would. Built by test/real/build.sh (target
// istio-webhooks) in the same module and at the same Istio version as istioctl.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"istio.io/istio/pilot/pkg/model"
	"istio.io/istio/pkg/config/mesh"
	"istio.io/istio/pkg/config/mesh/meshwatcher"
	"istio.io/istio/pkg/config/schema/collections"
	"istio.io/istio/pkg/kube"
	"istio.io/istio/pkg/kube/inject"
	"istio.io/istio/pkg/webhooks/validation/server"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster whose webhooks this serves")
	namespace := flag.String("namespace", "istio-system", "istiod's namespace (where its ConfigMaps are)")
	listen := flag.String("listen", "127.0.0.1:15017", "address to serve HTTPS on")
	cert := flag.String("cert", "", "serving certificate (PEM)")
	key := flag.String("key", "", "serving key (PEM)")
	flag.Parse()

	restConfig, err := kube.DefaultRestConfig(*kubeconfig, "")
	if err != nil {
		log.Fatalf("kubeconfig: %v", err)
	}
	client, err := kube.NewClient(kube.NewClientConfigForRestConfig(restConfig), "Kubernetes")
	if err != nil {
		log.Fatalf("kube client: %v", err)
	}

	// Validation needs nothing from the cluster: the schemas and rules are compiled in.
	validator := http.NewServeMux()
	if _, err := server.New(server.Options{Schemas: collections.PilotGatewayAPI(), DomainSuffix: "cluster.local", Mux: validator}); err != nil {
		log.Fatalf("validation server: %v", err)
	}
	injectors := &revisions{client: client, namespace: *namespace, ready: map[string]*http.ServeMux{}}

	mux := http.NewServeMux()
	mux.Handle("/validate", validator)
	mux.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		rev, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/" + rest
		switch {
		case rest == "validate":
			validator.ServeHTTP(w, r2)
		case rest == "inject" || strings.HasPrefix(rest, "inject/"):
			injector, err := injectors.get(rev)
			if err != nil {
				http.Error(w, fmt.Sprintf("injector of revision %s not ready: %v", rev, err), http.StatusServiceUnavailable)
				return
			}
			injector.ServeHTTP(w, r2)
		default:
			http.NotFound(w, r)
		}
	})

	log.Printf("serving /<revision>/inject and /validate on https://%s", *listen)
	srv := &http.Server{Addr: *listen, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServeTLS(*cert, *key))
}

// revisions holds one injector per revision, made on its first request once its ConfigMaps exist.
type revisions struct {
	mu        sync.Mutex
	client    kube.Client
	namespace string
	ready     map[string]*http.ServeMux
}

func (r *revisions) get(revision string) (*http.ServeMux, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if mux, ok := r.ready[revision]; ok {
		return mux, nil
	}
	mux := http.NewServeMux()
	if err := startInjector(r.client, mux, r.namespace, revision, make(chan struct{})); err != nil {
		return nil, err
	}
	log.Printf("injector for revision %s ready", revision)
	r.ready[revision] = mux
	return mux, nil
}

// startInjector wires the injector as istiod's initSidecarInjector does, once the revision's ConfigMaps exist.
func startInjector(client kube.Client, mux *http.ServeMux, namespace, revision string, stop chan struct{}) error {
	suffix := ""
	if revision != "" && revision != "default" {
		suffix = "-" + revision
	}
	meshMap, err := client.Kube().CoreV1().ConfigMaps(namespace).Get(context.TODO(), "istio"+suffix, metav1.GetOptions{})
	if err != nil {
		return err
	}
	meshConfig, err := mesh.ApplyMeshConfigDefaults(meshMap.Data["mesh"])
	if err != nil {
		return fmt.Errorf("mesh config of ConfigMap istio%s: %v", suffix, err)
	}
	watcher := inject.NewConfigMapWatcher(client, namespace, "istio-sidecar-injector"+suffix, "config", "values")
	if _, _, err := watcher.Get(); err != nil {
		return err
	}
	env := model.NewEnvironment()
	env.Watcher = meshwatcher.NewTestWatcher(meshConfig)
	env.Init()
	wh, err := inject.NewWebhook(inject.WebhookParameters{Watcher: watcher, Env: env, Mux: mux, Revision: revision})
	if err != nil {
		return err
	}
	wh.Run(stop)
	client.RunAndWait(stop)
	return nil
}
