// A certificate for the ALB's own DNS name, from a private CA made here, imported into ACM. The EKS
// gateway trusts exactly that CA (a CA-only credential), so no public CA and no domain are needed.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as tls from "@pulumi/tls";

export interface SelfIssuedCertificateArgs {
    /** The ALB's DNS name (internal-….elb.amazonaws.com): the only SAN of the certificate. */
    hostname: pulumi.Input<string>;
    validityDays: number;
    renewBeforeDays: number;
}

export interface SelfIssuedCertificate {
    caPem: pulumi.Output<string>;
    certificateArn: pulumi.Output<string>;
    certificatePem: pulumi.Output<string>;
    expiresAt: pulumi.Output<string>;
}

const CA_VALIDITY_HOURS = 10 * 365 * 24;

export function issueAlbCertificate(
    name: string,
    args: SelfIssuedCertificateArgs,
    parent: pulumi.Resource,
): SelfIssuedCertificate {
    const opts = { parent };
    // ECDSA P-256: ACM imports it (EC_prime256v1) and ALBs serve it; smaller and faster than RSA.
    const caKey = new tls.PrivateKey(`${name}-ca-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
    const ca = new tls.SelfSignedCert(
        `${name}-ca`,
        {
            privateKeyPem: caKey.privateKeyPem,
            isCaCertificate: true,
            validityPeriodHours: CA_VALIDITY_HOURS,
            earlyRenewalHours: 30 * 24,
            allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
            subject: { commonName: "crossmesh ALB CA", organization: "crossmesh" },
            setSubjectKeyId: true,
        },
        opts,
    );
    const key = new tls.PrivateKey(`${name}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
    const csr = new tls.CertRequest(
        `${name}-csr`,
        {
            privateKeyPem: key.privateKeyPem,
            dnsNames: [args.hostname],
            // The ALB's name (usually 70-80 characters) goes in the SAN only: RFC 5280 caps a CN at 64
            // (ub-common-name) and tools that enforce it refuse longer ones; TLS clients check the SAN.
            subject: { commonName: "crossmesh internal ALB", organization: "crossmesh" },
        },
        opts,
    );
    const cert = new tls.LocallySignedCert(
        `${name}-cert`,
        {
            certRequestPem: csr.certRequestPem,
            caPrivateKeyPem: caKey.privateKeyPem,
            caCertPem: ca.certPem,
            validityPeriodHours: args.validityDays * 24,
            // Inside this window `pulumi up` issues a new certificate and re-imports it into ACM.
            earlyRenewalHours: args.renewBeforeDays * 24,
            allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
        },
        opts,
    );
    const imported = new aws.acm.Certificate(
        `${name}-acm`,
        {
            privateKey: key.privateKeyPem,
            certificateBody: cert.certPem,
            certificateChain: ca.certPem,
        },
        opts,
    );
    return {
        caPem: ca.certPem,
        certificateArn: imported.arn,
        certificatePem: cert.certPem,
        expiresAt: cert.validityEndTime,
    };
}
