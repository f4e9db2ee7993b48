// istio-webhooks serves one Istio revision's admission webhooks — sidecar injection (/inject) and config
// validation (/validate) — from outside a cluster, with Istio's own code: the handlers are the ones istiod
// mounts on its webhook port (pkg/kube/inject.NewWebhook and pkg/webhooks/validation/server.New, wired as
// pilot/pkg/bootstrap does), reading the revision's injection templates (ConfigMap
// istio-sidecar-injector-<rev>) and mesh config (ConfigMap istio-<rev>) that the istiod chart installed.
//
// Why not pilot-discovery itself: istiod's binary links a module the Go module proxy here does not serve, and
// the local clusters have no container runtime, so istiod's pod never runs. Istio's external-control-plane
// topology is what this stands for: the istiod chart points its webhooks at a URL
// (`istiodRemote.injectionURL`, `base.validationURL`, with `...CABundle`) instead of the in-cluster Service.
//
//	istio-webhooks --kubeconfig FILE --revision 1-30 --listen 127.0.0.1:15017 --cert C --key K
//
// Serves TLS with the given certificate (its SANs must cover the URL's host). Until the revision's ConfigMaps
// exist, /inject answers 503, as an istiod that is not ready would. Built by test/real/build.sh
// (target istio-webhooks) in the same module and at the same Istio version as istioctl.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"sync/atomic"
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
	revision := flag.String("revision", "default", "the Istio revision (istiod's `revision` value)")
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

	mux := http.NewServeMux()
	// Validation needs nothing from the cluster: the schemas and rules are compiled in.
	if _, err := server.New(server.Options{Schemas: collections.PilotGatewayAPI(), DomainSuffix: "cluster.local", Mux: mux}); err != nil {
		log.Fatalf("validation server: %v", err)
	}
	injector := http.NewServeMux()
	var ready atomic.Bool
	inj := func(w http.ResponseWriter, r *http.Request) {
		if !ready.Load() {
			http.Error(w, "injection templates of revision "+*revision+" not installed yet", http.StatusServiceUnavailable)
			return
		}
		injector.ServeHTTP(w, r)
	}
	mux.HandleFunc("/inject", inj)
	mux.HandleFunc("/inject/", inj)
	mux.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) {
		if !ready.Load() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})

	stop := make(chan struct{})
	go func() {
		for {
			if err := startInjector(client, injector, *namespace, *revision, stop); err != nil {
				log.Printf("injector for revision %s not ready: %v", *revision, err)
				time.Sleep(time.Second)
				continue
			}
			ready.Store(true)
			log.Printf("injector for revision %s ready", *revision)
			return
		}
	}()

	log.Printf("serving /inject and /validate for revision %s on https://%s", *revision, *listen)
	srv := &http.Server{Addr: *listen, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServeTLS(*cert, *key))
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
