// Which component owns which Kubernetes object, per cluster, within one program: two links on the same
// clusters must never create the same kind/namespace/name (the second `up` would fail halfway with
// "already exists", or two resources would fight over one object). Object names derive from the link
// name, itself the component name by default, so this only fires on a true conflict: two components
// given the same `linkName` or `credentialName` on one cluster, or two asking for one mesh-wide object
// (the mesh's one PeerAuthentication "default").
import * as pulumi from "@pulumi/pulumi";
import { kubernetesProviderOf } from "./kube";
import { invalid } from "./validation";

/** Owners by provider (the cluster), then by `kind/namespace/name`. */
const owners = new WeakMap<object, Map<string, string>>();
/** A stable key for a namespace that is still an Output: the same Output object means the same namespace. */
const outputKeys = new WeakMap<object, string>();
let nextKey = 0;

function namespaceKey(ns: pulumi.Input<string> | undefined): string {
    if (ns === undefined) return "";
    if (typeof ns === "string") return ns;
    let key = outputKeys.get(ns as object);
    if (!key) outputKeys.set(ns as object, (key = `<namespace #${++nextKey}>`));
    return key;
}

export interface Claimed {
    kind: string;
    metadata: { name: string; namespace?: pulumi.Input<string> };
    /** The argument that names it (default "linkName"). */
    field?: string;
    /** What to do about a conflict (default: give each link its own linkName and credentialName). */
    fix?: string;
}

/**
 * Records that `owner` creates `objects` on the cluster of `opts`; refuses (before anything registers)
 * an object another component of this program already creates there, naming both and the fix.
 */
export function claimObjects(
    owner: string,
    opts: pulumi.ComponentResourceOptions | undefined,
    objects: readonly Claimed[],
): void {
    const cluster = kubernetesProviderOf(opts);
    if (!cluster) return;
    let claimed = owners.get(cluster);
    if (!claimed) owners.set(cluster, (claimed = new Map()));
    const mine = objects.map((o) => {
        const ns = namespaceKey(o.metadata.namespace);
        return {
            key: `${o.kind}/${ns}/${o.metadata.name}`,
            label: `${o.kind} ${ns ? `${ns}/` : ""}${o.metadata.name}`,
            field: o.field ?? "linkName",
            fix: o.fix ?? "give each link its own linkName (the default is the component name) and credentialName.",
        };
    });
    for (const { key, label, field, fix } of mine) {
        const other = claimed.get(key);
        if (other !== undefined && other !== owner) {
            invalid(
                field,
                `${owner} would create ${label}, which ${other} already creates on the same cluster; ${fix}`,
            );
        }
    }
    for (const { key } of mine) claimed.set(key, owner);
}
