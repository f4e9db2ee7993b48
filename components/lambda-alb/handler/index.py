"""Default crossmesh Lambda: the seed's hello-world, answering the ALB response contract.

An ALB invokes the function with an event that carries the HTTP request (httpMethod, path, headers,
body, isBase64Encoded) and expects back statusCode, statusDescription, headers, body and
isBase64Encoded. The page names the path it was asked for, so an end-to-end check can tell a real
answer from a cached or default one.
"""
import html


def lambda_handler(event, context):
    path = event.get("path") or "/"
    body = """<html>
  <head>
    <title>Hello World!</title>
    <style>
      html, body {
        margin: 0; padding: 0;
        font-family: arial; font-weight: 700; font-size: 3em;
        text-align: center;
      }
    </style>
  </head>
  <body>
    <p>Hello World from Lambda</p>
    <p>%s</p>
  </body>
</html>""" % html.escape(path)
    return {
        "statusCode": 200,
        "statusDescription": "200 OK",
        "isBase64Encoded": False,
        "headers": {"Content-Type": "text/html; charset=utf-8"},
        "body": body,
    }
