// The default Lambda handler, run for real with python3 against an ALB event: the ALB only accepts
// a response with the whole contract (statusCode, statusDescription, headers, body, isBase64Encoded).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const HANDLER_DIR = path.join(__dirname, "..", "components", "lambda-alb", "handler");

/** An ALB → Lambda event as AWS documents it for a target group of type lambda. */
function albEvent(requestPath: string) {
    return {
        requestContext: {
            elb: {
                targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/t/0123456789abcdef",
            },
        },
        httpMethod: "GET",
        path: requestPath,
        queryStringParameters: {},
        headers: {
            host: "internal-x.eu-west-1.elb.amazonaws.com",
            "user-agent": "curl/8.5.0",
            "x-forwarded-proto": "https",
        },
        body: "",
        isBase64Encoded: false,
    };
}

function invoke(event: unknown): Record<string, any> {
    const script =
        "import json,sys; sys.path.insert(0, sys.argv[1]); import index; print(json.dumps(index.lambda_handler(json.load(sys.stdin), None)))";
    const out = execFileSync("python3", ["-c", script, HANDLER_DIR], { input: JSON.stringify(event) });
    return JSON.parse(out.toString());
}

test("the default handler answers the ALB response contract", () => {
    const response = invoke(albEvent("/hello-world"));
    assert.deepEqual(Object.keys(response).sort(), [
        "body",
        "headers",
        "isBase64Encoded",
        "statusCode",
        "statusDescription",
    ]);
    assert.equal(response.statusCode, 200);
    assert.equal(response.statusDescription, "200 OK");
    assert.equal(response.isBase64Encoded, false);
    assert.deepEqual(response.headers, { "Content-Type": "text/html; charset=utf-8" });
    assert.match(response.body, /<p>Hello World from Lambda<\/p>/);
    assert.match(response.body, /<p>\/hello-world<\/p>/, "the page names the requested path");
});

test("the handler escapes the request path it echoes", () => {
    const response = invoke(albEvent("/<script>alert(1)</script>"));
    assert.equal(response.statusCode, 200);
    assert.doesNotMatch(response.body, /<script>/);
    assert.match(response.body, /&lt;script&gt;/);
});
