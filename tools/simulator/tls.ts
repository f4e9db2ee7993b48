// The `tls` provider, for real: keys from node:crypto, certificates and CSRs from @peculiar/x509.
// Field names and semantics follow the Terraform/Pulumi tls provider (PEM encodings, allowed_uses,
// validity and early-renewal windows), so what tests do with the output is what a real handshake does.
//
// Given a seed (the resource's name, as the simulator passes it), a key, a serial number and an ECDSA signature
// (RFC 6979, @noble/curves) are derived from it and the inputs instead of drawn at random: the same program on the same clock issues the
// same certificates, as one real stack keeps its keys and certificates from one `up` to the next. The offline
// plan relies on it: what is named by a hash of a certificate (content-addressed Secrets) stays the same for
// the same program, and changes when the certificate would. RSA keys stay random (no seeded prime search).
import "reflect-metadata"; // @peculiar/x509 resolves its ASN.1 codecs through tsyringe
import * as crypto from "node:crypto";
import * as x509 from "@peculiar/x509";
import { p256, p384, p521 } from "@noble/curves/nist";
import { Clock } from "./world";

/** The curves' ECDSA by their WebCrypto names. */
const NOBLE: Record<string, typeof p256> = { "P-256": p256, "P-384": p384, "P-521": p521 };

type CryptoKey = crypto.webcrypto.CryptoKey;
const subtle = crypto.webcrypto.subtle;

/** Curve orders and node's ECDH names: what a key derived from a seed needs. */
const EC: Record<string, { n: bigint; ecdh: string; bytes: number }> = {
    "P-256": {
        n: BigInt("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"),
        ecdh: "prime256v1",
        bytes: 32,
    },
    "P-384": {
        n: BigInt("0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973"),
        ecdh: "secp384r1",
        bytes: 48,
    },
    "P-521": {
        n: BigInt(
            "0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
        ),
        ecdh: "secp521r1",
        bytes: 66,
    },
};

const big = (b: Buffer) => BigInt(`0x${b.toString("hex") || "0"}`);
const bytesOf = (v: bigint, length: number) => Buffer.from(v.toString(16).padStart(length * 2, "0"), "hex");
/** A scalar in [1, n-1] from a seed, long enough for any curve. */
function scalar(seed: string | Buffer, n: bigint): bigint {
    const wide = Buffer.concat([0, 1].map((i) => crypto.createHmac("sha512", seed).update(String(i)).digest()));
    return (big(wide) % (n - 1n)) + 1n;
}

/** An EC private key whose scalar derives from `seed`; node's ECDH computes its public point. */
function derivedEcKey(curve: string, seed: string): crypto.KeyObject {
    const { n, ecdh, bytes } = EC[curve]!;
    const d = bytesOf(scalar(seed, n), bytes);
    const point = crypto.createECDH(ecdh);
    point.setPrivateKey(d);
    const pub = point.getPublicKey(); // 04 || x || y
    const b64 = (b: Buffer) => b.toString("base64url");
    const jwk = {
        kty: "EC",
        crv: curve,
        d: b64(d),
        x: b64(pub.subarray(1, 1 + bytes)),
        y: b64(pub.subarray(1 + bytes)),
    };
    return crypto.createPrivateKey({ key: jwk, format: "jwk" });
}

/**
 * An ECDSA signature (IEEE P1363 r||s, as WebCrypto returns it) with RFC 6979's deterministic nonce, by
 * @noble/curves: the same key signing the same bytes gives the same signature.
 */
function deterministicEcdsa(key: crypto.KeyObject, hash: string, data: Buffer): Buffer {
    const jwk = key.export({ format: "jwk" });
    const digest = crypto.createHash(hash.replace("-", "").toLowerCase()).update(data).digest();
    const curve = NOBLE[jwk.crv!]!;
    const signature = curve.sign(digest, Buffer.from(jwk.d!, "base64url"), { prehash: false, lowS: false });
    return Buffer.from(signature.toCompactRawBytes());
}

// WebCrypto for @peculiar/x509, its ECDSA signatures deterministic (above); everything else is node's.
x509.cryptoProvider.set({
    getRandomValues: crypto.webcrypto.getRandomValues.bind(crypto.webcrypto),
    randomUUID: crypto.webcrypto.randomUUID.bind(crypto.webcrypto),
    subtle: new Proxy(subtle, {
        get(target, prop) {
            if (prop !== "sign") return (target as any)[prop].bind(target);
            return async (algorithm: any, key: CryptoKey, data: ArrayBuffer | ArrayBufferView) => {
                // A key WebCrypto will not export (made outside the simulator) is signed by node, at random.
                if (algorithm?.name !== "ECDSA" || !key.extractable) return target.sign(algorithm, key, data);
                const pkcs8 = Buffer.from(await target.exportKey("pkcs8", key));
                const keyObject = crypto.createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
                const bytes = Buffer.from(
                    ArrayBuffer.isView(data)
                        ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)
                        : data,
                );
                const signature = deterministicEcdsa(keyObject, algorithm.hash?.name ?? algorithm.hash, bytes);
                return signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.byteLength);
            };
        },
    }),
} as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type Inputs = Record<string, any>;

const CURVES: Record<string, { named: string; hash: string }> = {
    P256: { named: "P-256", hash: "SHA-256" },
    P384: { named: "P-384", hash: "SHA-384" },
    P521: { named: "P-521", hash: "SHA-512" },
};

/**
 * tls.PrivateKey: RSA (rsaBits, default 2048) or ECDSA (ecdsaCurve, default P224 as in the provider). With a seed,
 * an ECDSA or ED25519 key derives from it and the inputs.
 */
export function privateKey(inputs: Inputs, seed?: string): Inputs {
    const algorithm: string = inputs.algorithm;
    let keyObject: crypto.KeyObject;
    let state: Inputs;
    if (algorithm === "RSA") {
        const rsaBits: number = inputs.rsaBits ?? 2048;
        if (![1024, 2048, 3072, 4096].includes(rsaBits)) throw new Error(`tls: rsa_bits ${rsaBits} is not supported`);
        keyObject = crypto.generateKeyPairSync("rsa", { modulusLength: rsaBits }).privateKey;
        state = { rsaBits, privateKeyPem: keyObject.export({ type: "pkcs1", format: "pem" }) };
    } else if (algorithm === "ECDSA") {
        const ecdsaCurve: string = inputs.ecdsaCurve ?? "P224";
        const curve = CURVES[ecdsaCurve];
        if (!curve)
            throw new Error(`tls: ecdsa_curve ${ecdsaCurve} is not modelled by the simulator (P256, P384, P521 are)`);
        keyObject =
            seed === undefined
                ? crypto.generateKeyPairSync("ec", { namedCurve: curve.named }).privateKey
                : derivedEcKey(curve.named, `key/${seed}/${ecdsaCurve}`);
        state = { ecdsaCurve, privateKeyPem: keyObject.export({ type: "sec1", format: "pem" }) };
    } else if (algorithm === "ED25519") {
        // A PKCS#8 Ed25519 key is a fixed prefix and its 32-byte seed.
        keyObject =
            seed === undefined
                ? crypto.generateKeyPairSync("ed25519").privateKey
                : crypto.createPrivateKey({
                      key: Buffer.concat([
                          Buffer.from("302e020100300506032b657004220420", "hex"),
                          crypto.createHash("sha256").update(`key/${seed}/ED25519`).digest(),
                      ]),
                      format: "der",
                      type: "pkcs8",
                  });
        state = { privateKeyPem: keyObject.export({ type: "pkcs8", format: "pem" }) };
    } else {
        throw new Error(`tls: invalid algorithm "${algorithm}" (RSA, ECDSA, ED25519)`);
    }
    const publicKey = crypto.createPublicKey(keyObject);
    const spki = publicKey.export({ type: "spki", format: "der" });
    return {
        ...inputs,
        ...state,
        algorithm,
        privateKeyPemPkcs8: keyObject.export({ type: "pkcs8", format: "pem" }),
        publicKeyPem: publicKey.export({ type: "spki", format: "pem" }),
        publicKeyFingerprintSha256:
            "SHA256:" + crypto.createHash("sha256").update(spki).digest("base64").replace(/=+$/, ""),
        id: crypto.createHash("sha1").update(spki).digest("hex"),
    };
}

interface KeyPair {
    algorithm: "RSA" | "ECDSA";
    privateKey: CryptoKey;
    publicKey: CryptoKey;
    signing: any;
}

function webAlgorithm(key: crypto.KeyObject): { algorithm: "RSA" | "ECDSA"; params: any; signing: any } {
    if (key.asymmetricKeyType === "rsa") {
        const params = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
        return { algorithm: "RSA", params, signing: params };
    }
    if (key.asymmetricKeyType === "ec") {
        const named = key.asymmetricKeyDetails?.namedCurve;
        const curve = Object.values(CURVES).find(
            (c) =>
                c.named === named ||
                (named === "prime256v1" && c.named === "P-256") ||
                (named === "secp384r1" && c.named === "P-384") ||
                (named === "secp521r1" && c.named === "P-521"),
        );
        if (!curve) throw new Error(`tls: curve ${named} is not modelled by the simulator`);
        return {
            algorithm: "ECDSA",
            params: { name: "ECDSA", namedCurve: curve.named },
            signing: { name: "ECDSA", hash: curve.hash },
        };
    }
    throw new Error(`tls: key type ${key.asymmetricKeyType} is not modelled by the simulator`);
}

async function importKeyPair(privateKeyPem: string): Promise<KeyPair> {
    const key = crypto.createPrivateKey(privateKeyPem);
    const { algorithm, params, signing } = webAlgorithm(key);
    const pkcs8 = key.export({ type: "pkcs8", format: "der" });
    const spki = crypto.createPublicKey(key).export({ type: "spki", format: "der" });
    return {
        algorithm,
        privateKey: await subtle.importKey("pkcs8", pkcs8, params, true, ["sign"]),
        publicKey: await subtle.importKey("spki", spki, params, true, ["verify"]),
        signing,
    };
}

const KEY_USAGES: Record<string, number> = {
    digital_signature: x509.KeyUsageFlags.digitalSignature,
    content_commitment: x509.KeyUsageFlags.nonRepudiation,
    key_encipherment: x509.KeyUsageFlags.keyEncipherment,
    data_encipherment: x509.KeyUsageFlags.dataEncipherment,
    key_agreement: x509.KeyUsageFlags.keyAgreement,
    cert_signing: x509.KeyUsageFlags.keyCertSign,
    crl_signing: x509.KeyUsageFlags.cRLSign,
    encipher_only: x509.KeyUsageFlags.encipherOnly,
    decipher_only: x509.KeyUsageFlags.decipherOnly,
};
const EXT_KEY_USAGES: Record<string, string> = {
    server_auth: x509.ExtendedKeyUsage.serverAuth,
    client_auth: x509.ExtendedKeyUsage.clientAuth,
    code_signing: x509.ExtendedKeyUsage.codeSigning,
    email_protection: x509.ExtendedKeyUsage.emailProtection,
    timestamping: x509.ExtendedKeyUsage.timeStamping,
    ocsp_signing: x509.ExtendedKeyUsage.ocspSigning,
};

function usageExtensions(allowedUses: string[] | undefined): x509.Extension[] {
    const uses = allowedUses ?? [];
    let flags = 0;
    const ekus: string[] = [];
    for (const use of uses) {
        if (use in KEY_USAGES) flags |= KEY_USAGES[use];
        else if (use in EXT_KEY_USAGES) ekus.push(EXT_KEY_USAGES[use]);
        else throw new Error(`tls: allowed_uses: unknown usage "${use}"`);
    }
    const exts: x509.Extension[] = [];
    if (flags) exts.push(new x509.KeyUsagesExtension(flags, true));
    if (ekus.length) exts.push(new x509.ExtendedKeyUsageExtension(ekus, false));
    return exts;
}

function subjectName(subject: Inputs | undefined): x509.JsonName {
    const s = subject ?? {};
    const name: x509.JsonName = [];
    const add = (attr: string, v: unknown) => {
        if (typeof v === "string" && v !== "") name.push({ [attr]: [v] });
    };
    add("C", s.country);
    add("ST", s.province);
    add("L", s.locality);
    for (const street of s.streetAddresses ?? []) add("street", street);
    add("postalCode", s.postalCode);
    add("O", s.organization);
    add("OU", s.organizationalUnit);
    add("CN", s.commonName);
    add("serialNumber", s.serialNumber);
    return name;
}

function sanExtension(inputs: Inputs): x509.Extension[] {
    const names: x509.JsonGeneralName[] = [
        ...(inputs.dnsNames ?? []).map((value: string) => ({ type: "dns" as const, value })),
        ...(inputs.ipAddresses ?? []).map((value: string) => ({ type: "ip" as const, value })),
        ...(inputs.uris ?? []).map((value: string) => ({ type: "url" as const, value })),
    ];
    return names.length ? [new x509.SubjectAlternativeNameExtension(names, false)] : [];
}

function validity(inputs: Inputs, clock: Clock) {
    const hours: number = inputs.validityPeriodHours;
    if (!Number.isInteger(hours) || hours < 0) throw new Error("tls: validity_period_hours must be a whole number ≥ 0");
    const early: number = inputs.earlyRenewalHours ?? 0;
    const notBefore = new Date(Math.floor(clock.now().getTime() / 1000) * 1000);
    const notAfter = new Date(notBefore.getTime() + hours * 3600_000);
    const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
    return {
        notBefore,
        notAfter,
        state: {
            validityStartTime: rfc3339(notBefore),
            validityEndTime: rfc3339(notAfter),
            earlyRenewalHours: early,
            // As the provider: the certificate is due once "now" is inside the early-renewal window.
            readyForRenewal: clock.now().getTime() >= notAfter.getTime() - early * 3600_000,
        },
    };
}

/** A certificate serial: random, or from the seed and what the certificate says (so a renewal gets a new one). */
function serial(seed: string | undefined, inputs: Inputs, notBefore: Date): string {
    const bytes =
        seed === undefined
            ? crypto.randomBytes(16)
            : crypto
                  .createHash("sha256")
                  .update(JSON.stringify([seed, inputs, notBefore.toISOString()]))
                  .digest()
                  .subarray(0, 16);
    bytes[0] &= 0x7f; // positive INTEGER
    bytes[0] |= 0x01; // and never zero
    return bytes.toString("hex");
}

/** tls.SelfSignedCert. */
export async function selfSignedCert(inputs: Inputs, clock: Clock, seed?: string): Promise<Inputs> {
    const keys = await importKeyPair(inputs.privateKeyPem);
    const { notBefore, notAfter, state } = validity(inputs, clock);
    const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(Boolean(inputs.isCaCertificate), inputs.maxPathLength || undefined, true),
        ...usageExtensions(inputs.allowedUses),
        ...sanExtension(inputs),
    ];
    if (inputs.setSubjectKeyId) extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
    if (inputs.setAuthorityKeyId) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey));
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serial(seed, inputs, notBefore),
        name: subjectName(inputs.subject),
        notBefore,
        notAfter,
        keys: { privateKey: keys.privateKey, publicKey: keys.publicKey },
        signingAlgorithm: keys.signing,
        extensions,
    });
    return {
        ...inputs,
        ...state,
        keyAlgorithm: keys.algorithm,
        certPem: cert.toString("pem") + "\n",
        id: BigInt("0x" + cert.serialNumber).toString(10),
    };
}

/** tls.CertRequest. */
export async function certRequest(inputs: Inputs): Promise<Inputs> {
    const keys = await importKeyPair(inputs.privateKeyPem);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
        name: subjectName(inputs.subject),
        keys: { privateKey: keys.privateKey, publicKey: keys.publicKey },
        signingAlgorithm: keys.signing,
        extensions: sanExtension(inputs),
    });
    return { ...inputs, keyAlgorithm: keys.algorithm, certRequestPem: csr.toString("pem") + "\n" };
}

/** tls.LocallySignedCert: signs the CSR's public key, subject and SANs with the CA's key. */
export async function locallySignedCert(inputs: Inputs, clock: Clock, seed?: string): Promise<Inputs> {
    const csr = new x509.Pkcs10CertificateRequest(inputs.certRequestPem);
    if (!(await csr.verify())) throw new Error("tls: cert_request_pem: the CSR's signature does not verify");
    const ca = new x509.X509Certificate(inputs.caCertPem);
    const caKeys = await importKeyPair(inputs.caPrivateKeyPem);
    // The CA key must be the key of the CA certificate, as the provider checks.
    const caSpki = Buffer.from(await subtle.exportKey("spki", caKeys.publicKey)).toString("hex");
    if (Buffer.from(ca.publicKey.rawData).toString("hex") !== caSpki) {
        throw new Error("tls: ca_private_key_pem does not match the public key of ca_cert_pem");
    }
    const { notBefore, notAfter, state } = validity(inputs, clock);
    const san = csr.getExtension("2.5.29.17") as x509.SubjectAlternativeNameExtension | null;
    const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(Boolean(inputs.isCaCertificate), undefined, true),
        ...usageExtensions(inputs.allowedUses),
        ...(san ? [san] : []),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ];
    if (inputs.setSubjectKeyId) extensions.push(await x509.SubjectKeyIdentifierExtension.create(csr.publicKey));
    const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial(seed, inputs, notBefore),
        subject: csr.subjectName,
        issuer: ca.subjectName,
        notBefore,
        notAfter,
        publicKey: csr.publicKey,
        signingKey: caKeys.privateKey,
        signingAlgorithm: caKeys.signing,
        extensions,
    });
    return {
        ...inputs,
        ...state,
        caKeyAlgorithm: caKeys.algorithm,
        certPem: cert.toString("pem") + "\n",
        id: BigInt("0x" + cert.serialNumber).toString(10),
    };
}
