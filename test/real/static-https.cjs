// A static HTTPS file server on 127.0.0.1 for the local Helm chart repository (index.yaml and chart
// archives): `node static-https.cjs DIR PORT CERT KEY`. GET and HEAD only, no directory listings, nothing
// outside DIR. Started and stopped by chart-repo.sh.
"use strict";
const fs = require("node:fs");
const https = require("node:https");
const path = require("node:path");

const [dir, port, cert, key] = process.argv.slice(2);
if (!dir || !port || !cert || !key) {
    console.error("usage: node static-https.cjs DIR PORT CERT KEY");
    process.exit(2);
}
const root = path.resolve(dir);
const types = { ".yaml": "application/x-yaml", ".tgz": "application/gzip" };
https
    .createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (req, res) => {
        const file = path.join(root, decodeURIComponent(new URL(req.url, "https://localhost").pathname));
        if ((req.method !== "GET" && req.method !== "HEAD") || !file.startsWith(root + path.sep)) {
            res.writeHead(404).end();
            return;
        }
        fs.stat(file, (err, st) => {
            if (err || !st.isFile()) {
                res.writeHead(404).end();
                return;
            }
            res.writeHead(200, {
                "content-type": types[path.extname(file)] ?? "application/octet-stream",
                "content-length": st.size,
            });
            if (req.method === "HEAD") res.end();
            else fs.createReadStream(file).pipe(res);
        });
        console.log(`${new Date().toISOString()} ${req.method} ${req.url}`);
    })
    .listen(Number(port), "127.0.0.1", () => console.log(`serving ${root} on https://localhost:${port}`));
