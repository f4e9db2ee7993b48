// The public API of crossmesh: each component can be used on its own, or all of them at once through
// CrossMeshLink.
export {
    CrossMeshLink,
    CrossMeshLinkArgs,
    LinkServiceArgs,
    LinkSourceArgs,
    ServedHostArgs,
    LinkLambdaArgs,
    LinkExistingFunctionArgs,
    LinkUpstreamArgs,
    AdoptedGatewayArgs,
    LinkPkiSettings,
    LinkAwsEgressArgs,
    LinkIstioSettings,
    LinkPodPlacementArgs,
    LinkSettings,
    LinkedService,
    LinkedServiceHandles,
    LinkedSource,
    LinkAlb,
    LinkTopology,
} from "./cross-mesh-link";
export {
    CrossMeshExport,
    CrossMeshExportArgs,
    ExportServiceArgs,
    ExportConsumerArgs,
    ExportIstioSettings,
    ConsumerGrant,
    ExportedConsumer,
    ExportedService,
    ExportTopology,
} from "./cross-mesh-export";
export { CrossMeshConsumer, CrossMeshConsumerArgs, ConsumerServiceArgs, ConsumedService } from "./cross-mesh-consumer";
export { LinkMonitoringArgs } from "./link-monitoring/args";
export {
    LambdaAlb,
    LambdaAlbArgs,
    LambdaFunctionArgs,
    LambdaPolicyStatement,
    LambdaVpcConfig,
    ExistingFunctionArgs,
    InternalAlbArgs,
} from "./lambda-alb";
export {
    LambdaHostsAlb,
    LambdaHostsAlbArgs,
    LambdaHostArgs,
    ExistingFunctionHostArgs,
    LambdaHostFunction,
    MAX_FUNCTIONS_PER_ALB,
} from "./lambda-hosts-alb";
export { LinkPki, LinkPkiArgs, LinkPkiIssued } from "./link-pki";
export {
    IstioInstall,
    IstioInstallArgs,
    ExistingGatewayArgs,
    GatewayRefOutput,
    DEFAULT_ISTIO_VERSION,
    ExtraChartValues,
    PodPlacement,
    Toleration,
} from "./istio-install";
export { ExportGateway, ExportGatewayArgs, ExportGatewayConsumerArgs, ExportedServiceArgs } from "./export-gateway";
export { ImportGateway, ImportGatewayArgs, ImportedServiceArgs, AllowedSourceArgs } from "./import-gateway";
export { AwsEgress, AwsEgressArgs, AwsEgressExtraHostArgs, AWS_SERVICES } from "./aws-egress";
export {
    GatewayRef,
    GatewayRefInput,
    TlsBundle,
    GatewayRole,
    GatewayExposure,
    OutboundTrafficPolicy,
    AwsEgressMode,
    AwsService,
    EndpointProtocol,
    KeyAlgorithm,
    RsaBits,
    HttpListenerMode,
    LambdaArchitecture,
    TracingMode,
    PolicyEffect,
    TolerationOperator,
    TolerationEffect,
    AlertRulesFormat,
    LinkEnd,
} from "./common/types";
export { LINK_PROVIDER_SETTINGS } from "./common/kube";
export { CURL_IMAGE, curlImage } from "./istio-install/client-pods";
export { eksKubeconfig, gkeClusterKubeconfig } from "./common/kubeconfigs";
export {
    checkStack,
    checkDeployment,
    readStack,
    kubectlCluster,
    linksIn,
    CheckStackOptions,
    CheckDeploymentOptions,
    StatusReport,
    LinkStatus,
    Check,
    CheckState,
    CheckSide,
    Verdict,
    ProbeFigures,
    ProbeOptions,
    Cluster,
    KubectlOptions,
    LiveObject,
    ObjectRef,
    StackExport,
    DEFAULT_WARN_DAYS,
} from "./status";
export { renderReport } from "./status/render";
