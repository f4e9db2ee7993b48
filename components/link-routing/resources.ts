// The one value both gateways derive alike for their object lists: the credential Secret's content-addressed name.
import * as pulumi from "@pulumi/pulumi";
import { credentialSecretName } from "./objects";
import type { TlsBundle } from "../common/types";

/**
 * The `credentialSecret` source of either gateway: the credential Secret's name, from the bundle's public
 * certificates only, so unlike the bundle it is not a secret.
 */
export function credentialSecretSlot(family: string, bundle: pulumi.Input<TlsBundle>): pulumi.Output<string> {
    return pulumi.unsecret(pulumi.output(bundle).apply((b) => credentialSecretName(family, b)));
}
