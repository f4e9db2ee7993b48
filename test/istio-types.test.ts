// The hand-kept Istio types (components/common/istio-types.ts) held to the CRD schemas Istio publishes,
// as @kubernetes-models/istio generates them: at compile time every field crossmesh types exists in the
// CRD with a compatible type (no misspelt or invented field, no enum value Istio does not know), and at
// run time every object the builders emit validates against the CRD schema.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import type * as networking from "@kubernetes-models/istio/networking.istio.io/v1beta1";
import type * as security from "@kubernetes-models/istio/security.istio.io/v1";
import type * as securityV1beta1 from "@kubernetes-models/istio/security.istio.io/v1beta1";
import type { IObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";
import { holds } from "../components/common/spec";
import { ISTIO_API_VERSION, type IstioSpecs, type Metadata } from "../components/common/istio-types";
import { buildAwsEgressObjects } from "../components/aws-egress/objects";
import { resolveEndpoints } from "../components/aws-egress/endpoints";
import { strictMtlsPolicy } from "../components/istio-install/mesh-policy";
import { validateIstioObject } from "./support/istio-schema";
import { eksObjects, gkeObjects } from "./support/link-fixture";

/**
 * True when every field of `A` (deeply, through lists and optional fields) is a field of `B` with a type
 * `B` accepts: plain assignability would let an extra (misspelt) field through.
 */
type Covered<A, B> = A extends readonly (infer E)[]
    ? B extends readonly (infer F)[]
        ? Covered<E, F>
        : false
    : A extends object
      ? [Exclude<keyof A, keyof B>] extends [never]
          ? { [K in keyof A]-?: Covered<NonNullable<A[K]>, NonNullable<B[K & keyof B]>> }[keyof A] extends true
              ? true
              : false
          : false
      : A extends B
        ? true
        : false;

type Spec<M extends { spec?: unknown }> = NonNullable<M["spec"]>;

holds<Covered<IstioSpecs["Gateway"], Spec<networking.IGateway>>>();
holds<Covered<IstioSpecs["VirtualService"], Spec<networking.IVirtualService>>>();
holds<Covered<IstioSpecs["DestinationRule"], Spec<networking.IDestinationRule>>>();
holds<Covered<IstioSpecs["ServiceEntry"], Spec<networking.IServiceEntry>>>();
holds<Covered<IstioSpecs["Sidecar"], Spec<networking.ISidecar>>>();
holds<Covered<IstioSpecs["AuthorizationPolicy"], Spec<security.IAuthorizationPolicy>>>();
holds<Covered<IstioSpecs["PeerAuthentication"], Spec<securityV1beta1.IPeerAuthentication>>>();
holds<Covered<Metadata, IObjectMeta>>();

// The check itself: a misspelt field, a wrong enum value and a wrong type are caught.
type Refused<T extends boolean> = [T] extends [false] ? true : false;
holds<Refused<Covered<{ selectr: Record<string, string> }, Spec<networking.IGateway>>>>();
holds<Refused<Covered<{ action: "ALLOW" | "PERMIT" }, Spec<security.IAuthorizationPolicy>>>>();
holds<Refused<Covered<{ hosts: string }, Spec<networking.IServiceEntry>>>>();
holds<Refused<Covered<{ servers: { tls: { mode: "MUTUAL"; credentialNam: string } }[] }, Spec<networking.IGateway>>>>();

test("every Istio object the builders emit validates against the CRD schema, in the API version its type names", () => {
    const table = resolveEndpoints("eu-west-1", ["sts", "dynamodb"], [], true);
    const objects = [
        ...eksObjects(),
        ...gkeObjects(),
        ...buildAwsEgressObjects(table, { namePrefix: "e", namespace: "app", exportTo: ["."], mode: "originate" }),
        ...buildAwsEgressObjects(table, { namePrefix: "e", namespace: "app", exportTo: ["*"], mode: "passthrough" }),
        strictMtlsPolicy("istio-system"),
    ].filter((o) => o.apiVersion.includes(".istio.io/"));
    const kinds = new Set<string>();
    for (const o of objects) {
        assert.equal(o.apiVersion, ISTIO_API_VERSION[o.kind as keyof IstioSpecs], `${o.kind} ${o.metadata.name}`);
        validateIstioObject(o);
        kinds.add(o.kind);
    }
    assert.deepEqual([...kinds].sort(), [
        "AuthorizationPolicy",
        "DestinationRule",
        "Gateway",
        "PeerAuthentication",
        "ServiceEntry",
        "VirtualService",
    ]);
});
