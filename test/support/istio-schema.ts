// Validates Istio objects against the CRD schemas published with Istio, as packaged by
// @kubernetes-models/istio. Istio serves `networking.istio.io/v1` and `v1beta1` (and
// `security.istio.io/v1`/`v1beta1`) from one and the same schema, so a `v1` object is checked with the
// newest schema the package ships for its kind. Note: these schemas reject wrong types and enum values,
// not unknown field names; tests must still assert the fields themselves.
import * as networking from "@kubernetes-models/istio/networking.istio.io/v1beta1";
import * as securityV1 from "@kubernetes-models/istio/security.istio.io/v1";
import * as securityV1beta1 from "@kubernetes-models/istio/security.istio.io/v1beta1";

interface IstioObject {
    apiVersion: string;
    kind: string;
    metadata?: Record<string, unknown>;
    spec?: unknown;
}

type ModelClass = new (data: any) => { validate(): void };
const MODELS: Record<string, ModelClass> = {
    "networking.istio.io/Gateway": networking.Gateway,
    "networking.istio.io/VirtualService": networking.VirtualService,
    "networking.istio.io/DestinationRule": networking.DestinationRule,
    "networking.istio.io/ServiceEntry": networking.ServiceEntry,
    "networking.istio.io/Sidecar": networking.Sidecar,
    "networking.istio.io/WorkloadEntry": networking.WorkloadEntry,
    "security.istio.io/AuthorizationPolicy": securityV1.AuthorizationPolicy,
    "security.istio.io/RequestAuthentication": securityV1.RequestAuthentication,
    "security.istio.io/PeerAuthentication": securityV1beta1.PeerAuthentication,
};

/** Throws with the schema's own message when `obj` does not validate; returns the kind checked. */
export function validateIstioObject(obj: IstioObject): string {
    const [group, version] = obj.apiVersion.split("/");
    if (!["v1", "v1beta1"].includes(version))
        throw new Error(
            `${obj.kind}: apiVersion ${obj.apiVersion}: crossmesh emits v1 (or v1beta1 where v1 does not exist)`,
        );
    const Model = MODELS[`${group}/${obj.kind}`];
    if (!Model) throw new Error(`no published schema known for ${obj.apiVersion} ${obj.kind}`);
    // The model pins its own apiVersion; the schema for the spec is the same across v1/v1beta1.
    new Model({ metadata: obj.metadata, spec: obj.spec }).validate();
    return `${group}/${obj.kind}`;
}
