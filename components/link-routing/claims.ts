// A gateway's object list as claims on its cluster (see common/claims.ts).
import { Claimed } from "../common/claims";

/**
 * A gateway's object list as claims: each object is owned through `linkName`, except the credential Secret when
 * the user named it (`credentialName`), so a conflict is reported under the argument that caused it.
 */
export function claimsOf(
    objects: readonly { identity: Claimed }[],
    credentialName: string,
    credentialNameGiven: boolean,
): Claimed[] {
    return objects.map(({ identity }) => ({
        ...identity,
        ...(credentialNameGiven && identity.kind === "Secret" && identity.metadata.name === credentialName
            ? { field: "credentialName" }
            : {}),
    }));
}
