// The @pulumi/tls resources of one side of a link: a self-signed CA, and a leaf key, CSR and
// CA-signed certificate. Kept apart from the component so the shape of a side reads in one place.
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

export interface KeySpec {
    algorithm: pulumi.Input<string>;
    ecdsaCurve: pulumi.Input<string | undefined>;
    rsaBits: pulumi.Input<number | undefined>;
}

export interface IssuedCa {
    key: tls.PrivateKey;
    cert: tls.SelfSignedCert;
}

export interface IssuedLeaf {
    key: tls.PrivateKey;
    csr: tls.CertRequest;
    cert: tls.LocallySignedCert;
    /**
     * The inputs `cert` was signed with. When the leaf enters its early-renewal window the provider
     * replaces `cert` with a new LocallySignedCert of exactly these inputs (same CSR, so same key,
     * same CA); `new tls.LocallySignedCert(name, signArgs)` is that renewal.
     */
    signArgs: tls.LocallySignedCertArgs;
}

/** X.509 names are limited to 64 characters per attribute (RFC 5280 ub-common-name). */
function commonName(text: string): string {
    return text.slice(0, 64);
}

export function issueCa(
    name: string,
    side: "server" | "client",
    key: KeySpec,
    validityHours: pulumi.Input<number>,
    earlyRenewalHours: pulumi.Input<number>,
    opts: pulumi.CustomResourceOptions,
): IssuedCa {
    const caKey = new tls.PrivateKey(`${name}-${side}-ca-key`, key, opts);
    const cert = new tls.SelfSignedCert(
        `${name}-${side}-ca`,
        {
            privateKeyPem: pulumi.secret(caKey.privateKeyPem),
            isCaCertificate: true,
            validityPeriodHours: validityHours,
            earlyRenewalHours,
            allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
            subject: { commonName: commonName(`crossmesh ${side} CA ${name}`), organization: "crossmesh" },
            setSubjectKeyId: true,
        },
        opts,
    );
    return { key: caKey, cert };
}

export interface LeafSpec {
    dnsNames?: pulumi.Input<pulumi.Input<string>[]>;
    uris?: pulumi.Input<pulumi.Input<string>[]>;
    allowedUses: string[];
    validityHours: pulumi.Input<number>;
    earlyRenewalHours: pulumi.Input<number>;
}

export function issueLeaf(
    name: string,
    side: "server" | "client",
    key: KeySpec,
    spec: LeafSpec,
    ca: IssuedCa,
    opts: pulumi.CustomResourceOptions,
): IssuedLeaf {
    const leafKey = new tls.PrivateKey(`${name}-${side}-key`, key, opts);
    const csr = new tls.CertRequest(
        `${name}-${side}-csr`,
        {
            privateKeyPem: pulumi.secret(leafKey.privateKeyPem),
            dnsNames: spec.dnsNames,
            uris: spec.uris,
            // Envoy matches SANs, never the CN; the CN only helps a human reading the certificate.
            subject: { commonName: commonName(`crossmesh ${side} ${name}`), organization: "crossmesh" },
        },
        opts,
    );
    const signArgs: tls.LocallySignedCertArgs = {
        certRequestPem: csr.certRequestPem,
        caPrivateKeyPem: pulumi.secret(ca.key.privateKeyPem),
        caCertPem: ca.cert.certPem,
        validityPeriodHours: spec.validityHours,
        // Inside this window `pulumi up` replaces the certificate; key, CSR and CA stay.
        earlyRenewalHours: spec.earlyRenewalHours,
        allowedUses: spec.allowedUses,
        setSubjectKeyId: true,
    };
    const cert = new tls.LocallySignedCert(`${name}-${side}-cert`, signArgs, opts);
    return { key: leafKey, csr, cert, signArgs };
}
