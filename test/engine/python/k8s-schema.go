// Used by setup.sh (built in a module of its own beside pulumi-kubernetes' provider sources): the kubernetes package's
// schema as pulumi-kubernetes writes it (its gen.PulumiSchema: the provider's inputs and the package's language
// settings), over an empty Kubernetes API. No API resources: the Python program passes a kubernetes Provider, nothing
// else. Usage: k8s-schema VERSION > schema.json
package main

import (
	"encoding/json"
	"os"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/gen"
)

func main() {
	spec := gen.PulumiSchema(map[string]any{"definitions": map[string]any{}, "paths": map[string]any{}})
	spec.Version = os.Args[1]
	out, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		panic(err)
	}
	os.Stdout.Write(out)
}
