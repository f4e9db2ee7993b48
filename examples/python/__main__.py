"""The minimal crossmesh link (../typescript-minimal) from Python.

One AWS Lambda, callable from the GKE mesh as http://lambda.external/ by one workload only (service
account `checkout` of namespace `shop`). crossmesh is a Pulumi component package written in TypeScript;
`pulumi package add` generates this project's Python SDK, `pulumi_crossmesh`, from the schema the package
serves (see ../README.md). Python names are the schema's in snake_case (`eksClusterName` is
`eks_cluster_name`) and `lambda`, a Python keyword, is `lambda_`.
"""

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pulumi_crossmesh as crossmesh

config = pulumi.Config()

# One Kubernetes provider per cluster (crossmesh never uses an ambient ~/.kube/config); the kubeconfigs
# are secret config values. No extra provider setting is needed.
eks = k8s.Provider("eks", kubeconfig=config.require_secret("eksKubeconfig"))
gke = k8s.Provider("gke", kubeconfig=config.require_secret("gkeKubeconfig"))

# The Lambda, its internal ALB and their IAM role go to the EKS cluster's account and region.
aws_region = config.get("awsRegion") or "eu-west-1"
aws_provider = aws.Provider("aws", region=aws_region)

link = crossmesh.CrossMeshLink(
    "shop-link",
    eks_provider=eks,
    gke_provider=gke,
    eks_cluster_name=config.require("eksClusterName"),
    aws_region=aws_region,
    services=[
        {
            # What GKE workloads call: http://lambda.external/
            "host": "lambda.external",
            # {} deploys crossmesh's hello-world function; your own code:
            # {"code_path": "./handler", "runtime": "python3.13", "handler": "index.lambda_handler"}
            "lambda_": {},
            # Only this workload may call the host; every other caller in the GKE mesh is refused.
            "allowed_sources": [{"namespace": "shop", "service_account": "checkout"}],
        }
    ],
    # The GKE cluster's Cloud NAT addresses: the only sources the EKS gateway's NLB admits.
    consumer_egress_cidrs=config.require_object("consumerEgressCidrs"),
    # `pulumi up` fails unless the host answers an allowed caller from inside GKE.
    verify=True,
    opts=pulumi.ResourceOptions(providers={"aws": aws_provider}),
)

pulumi.export("eksGatewayHostname", link.eks_gateway_hostname)
pulumi.export("services", link.services)
pulumi.export("gkeIstioRevision", link.gke_istio_revision)
pulumi.export("serverCertExpiresAt", link.server_cert_expires_at)
pulumi.export("clientCertExpiresAt", link.client_cert_expires_at)
pulumi.export("clientSpiffeId", link.client_spiffe_id)
pulumi.export("verificationJob", link.verification_job)
