// Real TLS handshakes with node:tls on loopback. A handshake counts as successful only when the client
// has verified the server (CA + servername) and read application data from it: under TLS 1.3 a server
// that rejects the client certificate does so after the client's `secureConnect`, so reading a reply
// is the only honest proof that both sides accepted each other.
import * as tls from "node:tls";
import { AddressInfo } from "node:net";

export interface ServerSide {
    cert: string;
    key: string;
    /** CAs the server trusts for client certificates; with `ca`, a client certificate is required. */
    ca?: string | string[];
}

export interface ClientSide {
    cert?: string;
    key?: string;
    /** CAs the client trusts for the server certificate. */
    ca: string | string[];
    /** SNI and the name the server certificate must carry. */
    servername: string;
}

export interface HandshakeResult {
    ok: boolean;
    /** The error either side saw, e.g. "Hostname/IP does not match…", "certificate required". */
    error?: string;
    /** What the server read from the client certificate (subjectaltname), when it got one. */
    peerSubjectAltName?: string;
}

const REPLY = "crossmesh-ok";

export async function handshake(server: ServerSide, client: ClientSide, timeoutMs = 5000): Promise<HandshakeResult> {
    let peerSubjectAltName: string | undefined;
    let serverError: string | undefined;
    const srv = tls.createServer(
        {
            cert: server.cert,
            key: server.key,
            ca: server.ca,
            requestCert: server.ca !== undefined,
            rejectUnauthorized: server.ca !== undefined,
            minVersion: "TLSv1.2",
        },
        (socket) => {
            peerSubjectAltName = socket.getPeerCertificate()?.subjectaltname;
            socket.end(REPLY);
        },
    );
    srv.on("tlsClientError", (err) => {
        serverError = err.message;
    });
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    const port = (srv.address() as AddressInfo).port;
    try {
        return await new Promise<HandshakeResult>((resolve) => {
            let data = "";
            let settled = false;
            const finish = (r: HandshakeResult) => {
                if (settled) return;
                settled = true;
                clearTimeout(timer);
                sock.destroy();
                resolve({ ...r, peerSubjectAltName });
            };
            const sock = tls.connect({
                host: "127.0.0.1",
                port,
                servername: client.servername,
                ca: client.ca,
                cert: client.cert,
                key: client.key,
                rejectUnauthorized: true,
                minVersion: "TLSv1.2",
            });
            const timer = setTimeout(() => finish({ ok: false, error: "timeout" }), timeoutMs);
            sock.on("data", (d) => {
                data += d.toString();
            });
            sock.on("end", () =>
                finish(
                    data === REPLY
                        ? { ok: true }
                        : { ok: false, error: serverError ?? "connection closed without a reply" },
                ),
            );
            sock.on("error", (e) =>
                finish({ ok: false, error: serverError ? `${e.message} (server: ${serverError})` : e.message }),
            );
        });
    } finally {
        await new Promise<void>((resolve) => srv.close(() => resolve()));
    }
}
