"""A consumer team's program in Python: the gke mesh's side of an export, a CrossMeshConsumer declared through the
Python SDK that `pulumi package gen-sdk --language python` generates from crossmesh's served schema. Its grant is
read from the exporting team's stack (TypeScript, ../exporter) with a StackReference; it is given its own cluster's
kubeconfig only (GKE_KUBECONFIG), never the exporter's.

Run by test/engine/python-consumer.test.ts under the real Pulumi CLI and Python language host against the local
"gke" cluster of test/real/clusters-up.sh. The test writes the Pulumi.yaml beside it (the plugin's path under
`packages`, the virtualenv). Config: `exporterStack` (the exporter's qualified stack name, required).
"""

import os

import pulumi
import pulumi_crossmesh as crossmesh
import pulumi_kubernetes as k8s

config = pulumi.Config()
exporter_stack = config.require("exporterStack")

kubeconfig_file = os.environ.get("GKE_KUBECONFIG")
if not kubeconfig_file:
    raise ValueError("GKE_KUBECONFIG is not set: give the kubeconfig file of the gke cluster")
with open(kubeconfig_file, encoding="utf-8") as f:
    # The kubeconfig holds a client key: a secret in the state like any other.
    gke = k8s.Provider("gke", kubeconfig=pulumi.Output.secret(f.read()))

# The export's grants (a secret as a whole: each holds a consumer's private key), this mesh's entry only.
grant = pulumi.StackReference(exporter_stack).require_output("grants")["gke"]

shop_checkout = crossmesh.AllowedSourceArgsArgs(namespace="shop", service_account="checkout")
consumer = crossmesh.CrossMeshConsumer(
    "gke",
    grant=grant,
    services=[
        # The generated input classes (names end in ArgsArgs, as the TypeScript interfaces end in Args) ...
        crossmesh.ConsumerServiceArgsArgs(host="payroll-1.external", allowed_sources=[shop_checkout]),
        # ... or plain dicts with the Python names.
        {"host": "payroll-2.external", "allowed_sources": [{"namespace": "shop", "service_account": "checkout"}]},
    ],
    trust_domain="gke.payroll.example.org",
    existing_gateway=crossmesh.AdoptedGatewayArgsArgs(
        namespace="istio-egress",
        selector_labels={"istio": "egressgateway", "app": "istio-egressgateway"},
        service_name="istio-egressgateway",
        service_account="istio-egressgateway",
    ),
    opts=pulumi.ResourceOptions(provider=gke),
)

pulumi.export("consumer", consumer.consumer)
pulumi.export("importedHosts", consumer.imported_hosts)
pulumi.export("remoteGatewayHostname", consumer.remote_gateway_hostname)
pulumi.export("spiffeId", consumer.spiffe_id)
pulumi.export("clientCertExpiresAt", consumer.client_cert_expires_at)
pulumi.export("istioRevision", consumer.istio_revision)
pulumi.export("services", consumer.services)
