// What every check shares: the options, what the EKS side tells the GKE side, and the check's constructor.
import type { Check, CheckSide } from "../report";

export interface CheckOptions {
    now: Date;
    /** A certificate with this many days left or fewer is a warning. */
    warnDays: number;
}

/** What the EKS side saw that the GKE side compares against. */
export interface EksFacts {
    /** The gateway load balancer's hostname in the Service status now; undefined when it could not be read. */
    liveHostname?: string;
}

export const DAY_MS = 86_400_000;
export const keyOf = (o: { kind: string; name: string; namespace?: string }) =>
    `${o.kind}/${o.namespace ?? ""}/${o.name}`;
export const check = (side: CheckSide, c: Omit<Check, "side">): Check => ({ side, ...c });
